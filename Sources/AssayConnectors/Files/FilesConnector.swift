import AssayCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the configuration files of a web stack from a folder: PgBouncer, Redis, PostgreSQL,
/// `pg_hba.conf`, `.env` and docker compose files, and the metadata (mode, owner) of any file.
///
/// Operations (see `docs/files-connector.md` for the exact tables):
/// - `list` `[]` → `[{path, kind}]`: every recognised file (``ConfigKind/recognise(fileName:)``)
///   up to four levels deep, skipping `.git`, `node_modules` and `.build*`, sorted by path.
/// - `configs` `[kind]` → `[{path, kind, meta, data}]`, or `{path, kind, meta, error = {line, message}}`
///   for a file that cannot be read or parsed, sorted by path.
/// - `file` `[path]` → `{path, exists, type, mode, mode_octal, owner, group, uid, gid, size}`.
///
/// Paths are relative to the root; a path that is absolute, contains `..` or leads out of the root
/// through a symlink is refused. Each file is read and parsed once per connector: the answers are
/// a snapshot of the folder taken on first use. Secrets in the files never appear in an answer.
///
/// ```swift
/// let files = FilesConnector(root: "examples/sample-stack")
/// let pools = try files.call("configs", ["pgbouncer"], deadline: .after(.seconds(5)))
/// ```
public final class FilesConnector: Connector, @unchecked Sendable {
    // @unchecked Sendable: all mutable state (the caches) is guarded by `lock`.

    /// Files larger than this are reported as errors instead of being parsed.
    public static let maxFileSize = 4 << 20

    public let kind: TargetKind = .files
    /// `file://` and the absolute path of the root.
    public let address: String

    private let tree: FileTree
    private let lock = NSLock()
    private var listing: [(path: String, kind: ConfigKind)]?
    private var documents: [String: JSONValue] = [:]
    /// `.env` files read once, for their own document and for every compose file beside them.
    private var dotenvFiles: [String: Result<DotenvParser.File, ConfigParseError>] = [:]

    /// - Parameter root: the folder to audit, absolute or relative to the current directory.
    public init(root: String) {
        var absolute = root
        if !absolute.hasPrefix("/") {
            absolute = FileManager.default.currentDirectoryPath + "/" + absolute
        }
        tree = FileTree(root: absolute)
        address = "file://" + (tree.realRoot ?? tree.root)
    }

    public func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) throws(ConnectorError)
        -> JSONValue
    {
        guard !deadline.hasPassed else { throw ConnectorError(.timeout, "files: deadline passed before \(operation)") }
        lock.lock()
        defer { lock.unlock() }
        switch operation {
        case "list":
            guard arguments.isEmpty else { throw ConnectorError(.refused, "files: list takes no arguments") }
            return .array(files().map { ["path": .string($0.path), "kind": .string($0.kind.rawValue)] })
        case "configs":
            guard arguments.count == 1, let name = arguments[0].stringValue else {
                throw ConnectorError(.refused, "files: configs takes one argument, the kind")
            }
            guard let kind = ConfigKind(rawValue: name) else {
                let known = ConfigKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConnectorError(.refused, "files: unknown kind \(Self.quoted(name)) (known: \(known))")
            }
            var result: [JSONValue] = []
            for file in files() where file.kind == kind {
                guard !deadline.hasPassed else { throw ConnectorError(.timeout, "files: deadline passed in configs") }
                result.append(document(file.path, kind: kind))
            }
            return .array(result)
        case "file":
            guard arguments.count == 1, let path = arguments[0].stringValue else {
                throw ConnectorError(.refused, "files: file takes one argument, a path relative to the root")
            }
            guard let absolute = tree.resolve(path) else {
                throw ConnectorError(.refused, "files: \(Self.quoted(path)) is not a path inside the audited folder")
            }
            return FileMetadata.describe(absolutePath: absolute, relativePath: path)
        default:
            throw ConnectorError(
                .refused, "files: unknown operation \(Self.quoted(operation)) (known: list, configs, file)")
        }
    }

    public func close() {}

    // MARK: - Internals (called with the lock held)

    private func files() -> [(path: String, kind: ConfigKind)] {
        if let listing { return listing }
        let found = tree.recognisedFiles()
        listing = found
        return found
    }

    /// The `{path, kind, meta, data | error}` table of one file, parsed once.
    private func document(_ path: String, kind: ConfigKind) -> JSONValue {
        if let cached = documents[path] { return cached }
        let absolute = tree.root + "/" + path
        var entry: [String: JSONValue] = [
            "path": .string(path), "kind": .string(kind.rawValue),
            "meta": FileMetadata.describe(absolutePath: absolute, relativePath: path),
        ]
        do {
            entry["data"] = try parse(path, kind: kind)
        } catch {
            entry["error"] = ["line": .int(Int64(error.line)), "message": .string(error.message)]
        }
        documents[path] = .object(entry)
        return .object(entry)
    }

    private func parse(_ path: String, kind: ConfigKind) throws(ConfigParseError) -> JSONValue {
        switch kind {
        case .pgbouncer: return try PgBouncerIniParser.parse(try read(path), path: path)
        case .userlist: return try UserlistParser.parse(try read(path), path: path)
        case .redis: return try RedisConfParser.parse(try read(path), path: path)
        case .postgresql: return try PostgresConfParser.parse(try read(path), path: path)
        case .hba: return try HbaParser.parse(try read(path), path: path)
        case .dotenv: return DotenvParser.document(try dotenvFile(path))
        case .compose: return try compose(path)
        }
    }

    /// A compose file, interpolated from the `.env` beside it (if there is one).
    private func compose(_ path: String) throws(ConfigParseError) -> JSONValue {
        let text = try read(path)
        let folder = path.split(separator: "/").dropLast().joined(separator: "/")
        let dotenvPath = folder.isEmpty ? ".env" : folder + "/.env"
        var dotenv: DotenvParser.File?
        var info = stat()
        if lstat(tree.root + "/" + dotenvPath, &info) == 0 {
            do {
                dotenv = try dotenvFile(dotenvPath)
            } catch {
                throw ConfigParseError(path: path, line: 0, message: "cannot interpolate: \(error.description)")
            }
        }
        return try ComposeParser.parse(text, path: path, dotenv: dotenv, dotenvPath: dotenvPath)
    }

    /// A `.env` file read and parsed once — for its own document and for every compose file beside
    /// it — or why it could not be.
    private func dotenvFile(_ path: String) throws(ConfigParseError) -> DotenvParser.File {
        if let cached = dotenvFiles[path] { return try cached.get() }
        let result: Result<DotenvParser.File, ConfigParseError>
        do {
            result = .success(try DotenvParser.read(try read(path), path: path))
        } catch {
            result = .failure(error)
        }
        dotenvFiles[path] = result
        return try result.get()
    }

    /// The text of a file inside the root, at most ``maxFileSize`` bytes.
    private func read(_ path: String) throws(ConfigParseError) -> String {
        let absolute = tree.root + "/" + path
        guard tree.readsInside(absolute) else {
            throw ConfigParseError(path: path, line: 0, message: "symlink leads outside the audited folder")
        }
        switch readFile(absolute, limit: Self.maxFileSize) {
        case .success(let bytes):
            return String(decoding: bytes, as: UTF8.self)
        case .failure(.tooLarge):
            throw ConfigParseError(
                path: path, line: 0, message: "larger than \(Self.maxFileSize >> 20) MiB: not parsed")
        case .failure(.system(let code)):
            throw ConfigParseError(path: path, line: 0, message: "cannot read: \(String(cString: strerror(code)))")
        case .failure(.notRegular(let type)):
            throw ConfigParseError(path: path, line: 0, message: "not a regular file (\(type)): skipped, not read")
        }
    }

    /// A name from a caller, shown in an error: quoted and cut short.
    private static func quoted(_ text: String) -> String {
        "'" + (text.count > 40 ? text.prefix(40) + "…" : text) + "'"
    }
}

// MARK: - Reading (file scope, where `read` and `close` are the system calls)

private enum ReadFailure: Error {
    case tooLarge
    case system(Int32)
    /// A FIFO, socket or device: reading it could block forever or never end.
    case notRegular(String)
}

/// The bytes of a regular file, or why they could not be read; stops once `limit` is passed.
///
/// Opened with `O_NONBLOCK` (opening a FIFO with no writer would otherwise wait forever) and
/// judged by `fstat` on what was opened, not by an earlier `lstat` a swap could outrun.
private func readFile(_ path: String, limit: Int) -> Result<[UInt8], ReadFailure> {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
    guard fd >= 0 else { return .failure(.system(errno)) }
    defer { _ = close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { return .failure(.system(errno)) }
    let type = FileMetadata.type(of: info.st_mode)
    guard type == "file" else { return .failure(.notRegular(type)) }
    guard info.st_size <= limit else { return .failure(.tooLarge) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            return .failure(.system(errno))
        }
        if count == 0 { return .success(bytes) }
        bytes += chunk[0..<count]
        if bytes.count > limit { return .failure(.tooLarge) }
    }
}
