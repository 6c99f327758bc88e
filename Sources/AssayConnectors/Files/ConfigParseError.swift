/// Why a configuration file could not be parsed: the file, the line and a message.
///
/// The message never quotes a value from the file, only names (keys, sections, directives), so
/// it cannot carry a secret. Line 0 stands for the file as a whole (unreadable, too large).
public struct ConfigParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file, relative to the audited folder.
    public var path: String
    /// The 1-based line the problem was found on; 0 when it concerns the whole file.
    public var line: Int
    /// What is wrong, without any value from the file.
    public var message: String

    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path:line: message`.
    public var description: String { "\(path):\(line): \(message)" }
}
