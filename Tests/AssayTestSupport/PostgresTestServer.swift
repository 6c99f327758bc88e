import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL 15 server of the test's own, for states the shared stack must not be put in: a
/// handful of connection slots, objects that would change what every other test's connector
/// reads from the catalog, counters (transaction ids, configuration reloads) that parallel tests
/// would move.
///
/// A copy of the stack's pristine cluster (`/var/cache/assay-stack/pg15-*`, made by
/// `scripts/stack up`) or a fresh initdb; `peer` for the postgres user over its unix socket,
/// scram-sha-256 for everyone else (over that socket and loopback TCP); the given settings; a free port. The postmaster runs in the
/// foreground as a process the test holds (`pg_ctl start` would leave a daemon that keeps
/// Foundation's `Process` from ever seeing its child end). `stop()` removes everything.
///
/// ```swift
/// let server = try PostgresTestServer(settings: "max_connections = 10")
/// defer { server.stop() }
/// try server.psql("CREATE ROLE auditor LOGIN SUPERUSER PASSWORD 'pw'")
/// let url = server.url(user: "auditor", password: "pw")
/// ```
public final class PostgresTestServer {
    public static let bin = "/usr/lib/postgresql/15/bin"
    static let hba = """
        local  all  postgres                 peer
        local  all  all                      scram-sha-256
        host   all  all       127.0.0.1/32   scram-sha-256

        """

    public let folder: TemporaryFolder
    public let port: Int
    private let postmaster: Process

    public var data: String { folder.path + "/data" }
    public var sockets: String { folder.path + "/run" }

    /// Starts a server with `settings` appended to postgresql.conf (30 connections and 16 MB of
    /// shared buffers unless they say otherwise) and waits (30 s at most, three ports tried) until it
    /// accepts connections.
    public init(settings: String = "") throws {
        let folder = try TemporaryFolder(prefix: "assay-pg")
        var started = false
        defer { if !started { folder.remove() } }
        chmod(folder.path, 0o755)
        self.folder = folder
        let data = folder.path + "/data", sockets = folder.path + "/run"
        try FileManager.default.createDirectory(atPath: sockets, withIntermediateDirectories: false)
        if let template = Self.template() {
            try Program.output("/bin/cp", ["-a", template, data])
        } else {
            try Program.output("/bin/chown", ["postgres:postgres", folder.path])
            try Self.asPostgres(Self.bin + "/initdb", ["-D", data, "-U", "postgres", "-N", "--auth-local=peer",
                                                       "--auth-host=scram-sha-256", "--locale=C.UTF-8", "--encoding=UTF8"])
        }
        try Self.hba.write(toFile: data + "/pg_hba.conf", atomically: false, encoding: .utf8)
        let base = try String(contentsOfFile: data + "/postgresql.conf", encoding: .utf8)
        try Program.output("/bin/chown", ["-R", "postgres:postgres", folder.path])
        let log = folder.path + "/postgres.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        var lastError = "never started"
        for _ in 0..<3 {
            let port = try freeLoopbackPort()
            try (base + """

                # --- assay test server (PostgresTestServer) ---
                port = \(port)
                unix_socket_directories = '\(sockets)'
                listen_addresses = '127.0.0.1'
                max_connections = 30
                shared_buffers = 16MB
                \(settings)

                """).write(toFile: data + "/postgresql.conf", atomically: false, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=postgres", "--regid=postgres", "--init-groups", Self.bin + "/postgres", "-D", data]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle(forWritingAtPath: log)
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning, Date() < deadline {
                if (try? Program.output(Self.bin + "/pg_isready", ["-q", "-h", sockets, "-p", String(port)])) != nil {
                    self.port = port
                    self.postmaster = process
                    started = true
                    return
                }
                usleep(50_000)
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            lastError = (try? String(contentsOfFile: log, encoding: .utf8)) ?? "no log"
        }
        throw TestFailure("postgres did not start: \(lastError.suffix(500))")
    }

    /// The stack's cached, never started initdb cluster, if there is one.
    static func template() -> String? {
        let cache = "/var/cache/assay-stack"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
        return names.sorted().filter { $0.hasPrefix("pg15-") }.map { cache + "/" + $0 }
            .first { FileManager.default.fileExists(atPath: $0 + "/PG_VERSION") }
    }

    /// Runs SQL as the postgres superuser over the unix socket and returns psql's unaligned output.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try Self.asPostgres("/usr/bin/psql", ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", sockets, "-p",
                                              String(port), "-U", "postgres", "-d", database, "-f", "-"], input: sql)
    }

    /// A URL for a login over loopback TCP.
    public func url(user: String, password: String, database: String = "postgres") -> String {
        "postgres://\(user):\(password)@127.0.0.1:\(port)/\(database)"
    }

    /// A URL for a login over the server's unix socket.
    public func socketURL(user: String, password: String, database: String = "postgres") -> String {
        "postgres://\(user):\(password)@/\(database)?host=\(sockets)&port=\(port)"
    }

    /// Stops the server at once (SIGQUIT: an immediate shutdown) and removes its folder.
    public func stop() {
        if postmaster.isRunning { kill(postmaster.processIdentifier, SIGQUIT) }
        postmaster.waitUntilExit()
        folder.remove()
    }

    /// Runs a program as the `postgres` user (initdb and postgres refuse root).
    @discardableResult
    static func asPostgres(_ program: String, _ arguments: [String], input: String? = nil) throws -> String {
        try Program.output("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", program] + arguments,
                           input: input)
    }
}
