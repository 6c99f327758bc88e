import AssayConnectors
import AssayCore
import Foundation

/// The configuration parsers, fed as a run feeds them: the input is written under its file name
/// into a private folder and read through a fresh ``FilesConnector`` (safe reads, size limit,
/// the parser, the redaction, the document). Compose files get a `.env` beside them, so that
/// interpolation runs too.
enum FileReaders {
    /// `(kind, file name)` for each kind the files connector reads.
    static let kinds: [(kind: String, file: String)] = [
        ("pgbouncer", "pgbouncer.ini"), ("userlist", "userlist.txt"), ("redis", "redis.conf"),
        ("postgresql", "postgresql.conf"), ("hba", "pg_hba.conf"), ("dotenv", ".env"), ("compose", "docker-compose.yml"),
    ]

    static let dictionaries: [String: [String]] = [
        "pgbouncer": ["[pgbouncer]\n", "[databases]\n", "[users]\n", "=", "host=", " password=", "'", "%include", ";", "\0"],
        "userlist": ["\"", "\"\"", "SCRAM-SHA-256$4096:", "md5", " ", "\n"],
        "redis": ["requirepass ", "user default on >", "rename-command ", "\"", "'", "\\x", "\\", "include ", "maxmemory ", "sentinel auth-pass "],
        "postgresql": ["= '", "'", "''", "\\", "#", "include ", "shared_buffers = ", "ssl_passphrase_command = ", "8\u{301}", "größe"],
        "hba": ["host ", "local ", "\"", ",", "\\\n", "#", "all ", "255.0.255.0 ", "/32 ", "include_dir "],
        "dotenv": ["=", "${", ":-", ":?", "}", "\"", "'", "\\", "$", "export ", "#", ": "],
        "compose": ["${A:-", "}", "$$", "<<: *a\n", "&a ", "*a", "[", "{", "- \"", ":80\"\n", "8\u{301}", "x-", "\t", "!!binary ", "? "],
    ]

    static let targets: [FuzzTarget] = kinds.map { entry in
        FuzzTarget(name: "files.\(entry.kind)", dictionary: FuzzTarget.tokens(dictionaries[entry.kind] ?? [])) { bytes in
            read(bytes, kind: entry.kind, file: entry.file)
        }
    }

    /// The folder inputs are written to, one per process.
    private static let folder: String = {
        let path = NSTemporaryDirectory() + "assay-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    private static let dotenv = Array("A=1\nB=two words\nDB_PASSWORD=Xq3vLr9TzW2pKd7H\nEMPTY=\n".utf8)

    private static func read(_ bytes: [UInt8], kind: String, file: String) -> FuzzTarget.Outcome {
        guard write(bytes, to: folder + "/" + file) else { return .refused }
        if kind == "compose" { _ = write(dotenv, to: folder + "/.env") }
        defer {
            unlink(folder + "/" + file)
            if kind == "compose" { unlink(folder + "/.env") }
        }
        let answer = try? FilesConnector(root: folder).call("configs", [.string(kind)], deadline: .after(.seconds(60)))
        return answer?.arrayValue?.first?["data"] == nil ? .refused : .accepted
    }

    private static func write(_ bytes: [UInt8], to path: String) -> Bool {
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    /// Removes the folder (at the end of a child's batch).
    static func cleanUp() { try? FileManager.default.removeItem(atPath: folder) }
}
