// swift-tools-version:6.0
// An example of embedding Assay: a small tool that depends on the AssayKit product alone.
//
// Another package depends on Assay the same way, by URL:
//     .package(url: "https://github.com/assay-audit/assay.git", from: "0.1.0")
//     .product(name: "AssayKit", package: "assay")
// Here it depends on this checkout, two folders up.
import Foundation
import PackageDescription

// A path dependency is identified by its folder's name, which is whatever the clone is called.
let assay = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL

let package = Package(
    name: "assay-embedding-example",
    dependencies: [.package(path: assay.path)],
    targets: [
        .executableTarget(
            name: "audit-example",
            dependencies: [.product(name: "AssayKit", package: assay.lastPathComponent.lowercased())])
    ]
)
