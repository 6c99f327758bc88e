import AssayKit
