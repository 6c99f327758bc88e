import AssayCore

/// The source of one check file.
public struct CheckScript: Hashable, Sendable {
    /// The path shown in messages and reports (`builtin/files/compose-privileged.lua` for
    /// built-in checks, the path as given otherwise).
    public var path: String
    public var source: [UInt8]

    public init(path: String, source: [UInt8]) {
        self.path = path
        self.source = source
    }

    /// Chunk name given to Lua, so that its messages read `path:line: …`.
    var chunkName: String { "@" + path }
}

/// A problem found in a check file, at `path:line`.
public struct CheckProblem: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// The byte column of the token it is about (from 1), or 0 when only the line is known.
    public var column: Int

    public init(location: SourceLocation, message: String, column: Int = 0) {
        self.location = location
        self.message = message
        self.column = column
    }

    /// `path:line: message`, or `path:line:column: message` when the column is known.
    public var description: String { column > 0 && location.line > 0 ? "\(location):\(column): \(message)" : "\(location): \(message)" }

    /// Splits a Lua message `path:12: text` into a location and the text.
    static func fromLua(_ message: String, path: String) -> CheckProblem {
        let prefix = path + ":"
        if message.hasPrefix(prefix) {
            let rest = message.dropFirst(prefix.count)
            if let colon = rest.firstIndex(of: ":"), let line = Int(rest[..<colon]) {
                let text = rest[rest.index(after: colon)...].drop(while: { $0 == " " })
                return CheckProblem(location: SourceLocation(path: path, line: line), message: String(text))
            }
        }
        return CheckProblem(location: SourceLocation(path: path, line: 0), message: message)
    }
}

/// The problems that kept a check file from loading.
public struct CheckLoadError: Error, Hashable, Sendable, CustomStringConvertible {
    public var problems: [CheckProblem]

    public init(_ problems: [CheckProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
