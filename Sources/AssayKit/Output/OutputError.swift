/// An output that could not be written: the folder cannot be made, a file cannot be written (disk
/// full, no permission), or a certification cannot be issued. Not a configuration error: the run
/// itself completed, and the message says which file failed and why.
public struct OutputError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
