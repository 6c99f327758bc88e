import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A redis-server of the test's own on a free loopback port, for states the shared stack must not
/// be put in (stopped with SIGSTOP, CONFIG renamed, restrictive ACL users, full memory, evictions).
///
/// Tests run in parallel: each starts its own and stops it. The server gets a minimal loopback
/// configuration without persistence, then the test's lines (a later line of the same directive
/// wins), and is ready when `redis-cli PING` answers.
///
/// ```swift
/// let server = try RedisTestServer(["maxclients 3"])
/// defer { server.stop() }
/// try server.cli("CONFIG", "GET", "maxclients")
/// ```
public final class RedisTestServer {
    public let port: Int
    /// The user and password `cli` logs in with (and a target should), if any.
    public let user: String?
    public let password: String?
    private let directory: URL
    private let process: Process

    /// Starts `redis-server` with `config` lines after the base configuration and waits (10 s at
    /// most, three ports tried) until it answers PING as `user`/`password`.
    public init(_ config: [String] = [], user: String? = nil, password: String? = nil) throws {
        var lastError = "never tried"
        for _ in 0..<3 {
            let port = try freeLoopbackPort()
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("assay-redis-\(port)-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let base = [
                "port \(port)", "bind 127.0.0.1", "save \"\"", "appendonly no", "daemonize no",
                "dir \(directory.path)", "logfile \(directory.path)/redis.log",
            ]
            let configPath = directory.appendingPathComponent("redis.conf")
            try ((base + config).joined(separator: "\n") + "\n").write(to: configPath, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
            process.arguments = [configPath.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let started = Date()
            while process.isRunning, Date().timeIntervalSince(started) < 10 {
                if (try? Self.cli(port: port, user: user, password: password, ["PING"])) == "PONG" {
                    self.port = port
                    self.user = user
                    self.password = password
                    self.directory = directory
                    self.process = process
                    return
                }
                usleep(20_000)
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            lastError = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? "?"
            try? FileManager.default.removeItem(at: directory)
        }
        throw TestFailure("redis-server did not start: \(lastError.suffix(500))")
    }

    /// `redis://127.0.0.1:PORT`, without credentials.
    public var url: String { "redis://127.0.0.1:\(port)" }

    /// Runs redis-cli against this server (as `user`/`password`); its output, trimmed.
    @discardableResult
    public func cli(_ arguments: String...) throws -> String {
        try Self.cli(port: port, user: user, password: password, arguments)
    }

    /// Runs redis-cli against any loopback port; the password goes through the environment, never
    /// the command line.
    public static func cli(port: Int, user: String?, password: String?, _ arguments: [String]) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        if let password { environment["REDISCLI_AUTH"] = password }
        let login = user.map { ["--user", $0] } ?? []
        return try Program.run(
            "/usr/bin/redis-cli", ["-h", "127.0.0.1", "-p", String(port), "--no-auth-warning"] + login + arguments,
            environment: environment
        ).text
    }

    /// SIGSTOP: the kernel still completes connections, the server answers nothing.
    public func suspend() { kill(process.processIdentifier, SIGSTOP) }

    /// SIGCONT.
    public func resume() { kill(process.processIdentifier, SIGCONT) }

    /// Kills the server (SIGKILL: a child of the test runner inherits its blocked SIGTERM, and the
    /// server holds nothing worth saving), waits for it and removes its folder.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
