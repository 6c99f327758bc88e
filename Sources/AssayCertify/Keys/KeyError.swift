/// Why a key could not be created, read or written.
///
/// Descriptions name the file and the fix; they never contain key material.
public struct KeyError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for callers that react to it.
    public enum Code: String, Sendable {
        /// The text is not a PEM document of the expected kind.
        case invalidPEM
        /// The key file is readable or writable by group or others.
        case insecurePermissions
        /// A file that would be written already exists.
        case fileExists
        /// The file system refused an operation.
        case io
    }

    public let code: Code
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
