import AssayTestSupport
import CHiredis
import Foundation

#if canImport(Glibc)
import Glibc
#endif

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
        else { throw TestFailure("stack.env's Redis URL has no host, port or password") }
        self.url = url
        self.host = host
        self.port = port
        self.password = password.removingPercentEncoding ?? password
    }

    /// The URL with the password removed, for connectors that get it as a parameter.
    var urlWithoutPassword: String { "redis://\(host):\(port)" }
}
