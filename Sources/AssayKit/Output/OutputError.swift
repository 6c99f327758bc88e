/// An output that could not be written: the folder cannot be made, a file cannot be written (disk
/// full, no permission), a certification cannot be issued, or another run holds the output's lock.
/// Not a configuration error: the run itself completed, and the message says which file failed
/// and why.
public struct OutputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure, for callers that react to it (the CLI's exit code).
    public enum Code: String, Sendable {
        /// A file or folder could not be written, or the certification not issued.
        case writeFailed
        /// Another run holds the output folder's lock (``OutputLock``).
        case locked
    }

    public var code: Code
    public var message: String

    public init(_ message: String, code: Code = .writeFailed) {
        self.message = message
        self.code = code
    }

    public var description: String { message }
}
