import CHiredis
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A redis-server of the test's own on a free loopback port, for states the shared stack must not
/// be put in (stopped with SIGSTOP, CONFIG renamed, restrictive ACL users). Tests run in parallel:
/// each one starts its own and stops it.
final class RedisTestServer {
    let port: Int
    private let directory: URL
    private let process: Process

    /// Starts `redis-server` with `extraConfig` lines added to a minimal loopback configuration and
    /// waits until it answers PING.
    init(extraConfig: [String] = []) throws {
        var lastError = "never tried"
        for _ in 0..<3 {
            let port = try RedisTestServer.freePort()
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("assay-redis-\(port)-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let config =
                ([
                    "port \(port)", "bind 127.0.0.1", "save \"\"", "appendonly no", "daemonize no",
                    "dir \(directory.path)", "logfile \(directory.path)/redis.log",
                ] + extraConfig).joined(separator: "\n") + "\n"
            let configPath = directory.appendingPathComponent("redis.conf")
            try config.write(to: configPath, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
            process.arguments = [configPath.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let started = Date()
            while process.isRunning, Date().timeIntervalSince(started) < 10 {
                if RawRedis.command(port: port, password: nil, ["PING"]) == "PONG" {
                    self.port = port
                    self.directory = directory
                    self.process = process
                    return
                }
                usleep(20_000)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            lastError = (try? String(contentsOf: directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? "?"
            try? FileManager.default.removeItem(at: directory)
        }
        throw RedisTestServerError(message: "redis-server did not start: \(lastError.suffix(500))")
    }

    var url: String { "redis://127.0.0.1:\(port)" }

    /// SIGSTOP: the kernel still completes connections, the server answers nothing.
    func suspend() { kill(process.processIdentifier, SIGSTOP) }

    /// SIGCONT.
    func resume() { kill(process.processIdentifier, SIGCONT) }

    /// Kills the server (SIGKILL: a child of the test runner inherits its blocked SIGTERM, and the
    /// server holds nothing worth saving), waits for it and removes its folder.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A port that was free a moment ago (bound to port 0, then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RedisTestServerError(message: "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard rc == 0 else { throw RedisTestServerError(message: "bind failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct RedisTestServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A plain hiredis connection that bypasses the connector: the independent witness of what the
/// server really received.
enum RawRedis {
    /// Sends `AUTH` (if a password is given) and one command; the reply as text (bulk or status),
    /// or nil on any error.
    static func command(host: String = "127.0.0.1", port: Int, password: String?, _ argv: [String]) -> String? {
        guard let context = redisConnectWithTimeout(host, Int32(port), timeval(tv_sec: 2, tv_usec: 0)) else {
            return nil
        }
        defer { redisFree(context) }
        guard context.pointee.err == 0 else { return nil }
        if let password, send(context, ["AUTH", password]) == nil { return nil }
        return send(context, argv)
    }

    private static func send(_ context: UnsafeMutablePointer<redisContext>, _ argv: [String]) -> String? {
        var cStrings = argv.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var lengths = argv.map { $0.utf8.count }
        let raw = cStrings.withUnsafeMutableBufferPointer { pointers in
            pointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { constPointers in
                redisCommandArgv(context, Int32(argv.count), constPointers.baseAddress, &lengths)
            }
        }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        let reply = raw.assumingMemoryBound(to: redisReply.self).pointee
        switch reply.type {
        case REDIS_REPLY_STRING, REDIS_REPLY_STATUS:
            return String(decoding: UnsafeRawBufferPointer(start: reply.str, count: reply.len), as: UTF8.self)
        case REDIS_REPLY_INTEGER:
            return String(reply.integer)
        case REDIS_REPLY_ARRAY:
            return (0..<reply.elements).compactMap { i -> String? in
                guard let element = reply.element[i]?.pointee, let str = element.str else { return nil }
                return String(decoding: UnsafeRawBufferPointer(start: str, count: element.len), as: UTF8.self)
            }.joined(separator: "\n")
        default:
            return nil
        }
    }
}

/// The parts of the stack's Redis URL that the tests need in the clear.
struct RedisStackTarget {
    let url: String
    let host: String
    let port: Int
    let password: String

    init(url: String) throws {
        guard let components = URLComponents(string: url), let host = components.host, let port = components.port,
            let password = components.password, !password.isEmpty
        else { throw RedisTestServerError(message: "stack.env's Redis URL has no host, port or password") }
        self.url = url
        self.host = host
        self.port = port
        self.password = password.removingPercentEncoding ?? password
    }

    /// The URL with the password removed, for connectors that get it as a parameter.
    var urlWithoutPassword: String { "redis://\(host):\(port)" }
}
