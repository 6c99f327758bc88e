import AssayCore
import CHiredis

#if canImport(Glibc)
import Glibc
#endif

/// One blocking hiredis connection whose every wait is bounded by a deadline.
///
/// hiredis connects with a timeout of its own; each command is then written and read here with
/// `poll(2)` on the context's descriptor, so a server that accepts and never answers (stopped with
/// SIGSTOP) costs exactly the time left until the deadline. After any I/O error or timeout the
/// context is unusable (hiredis keeps no state to recover from): the owner drops this object,
/// which frees it.
final class HiredisConnection {
    private let context: UnsafeMutablePointer<redisContext>
    private let peer: String

    private init(context: UnsafeMutablePointer<redisContext>, peer: String) {
        self.context = context
        self.peer = peer
    }

    deinit { redisFree(context) }

    /// Connects within the time left until `deadline`.
    /// - Parameter peer: the address shown in error messages (it carries no password).
    static func open(_ location: RedisEndpoint.Location, peer: String, deadline: Deadline) throws(ConnectorError)
        -> HiredisConnection
    {
        let milliseconds = Int(deadline.remainingMilliseconds)
        guard milliseconds > 0 else { throw ConnectorError(.timeout, "\(peer): deadline passed before connecting") }
        let timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        let made: UnsafeMutablePointer<redisContext>?
        switch location {
        case .tcp(let host, let port): made = redisConnectWithTimeout(host, port, timeout)
        case .unix(let path): made = redisConnectUnixWithTimeout(path, timeout)
        }
        guard let context = made else { throw ConnectorError(.failed, "\(peer): hiredis could not allocate a context") }
        let connection = HiredisConnection(context: context, peer: peer)
        if context.pointee.err != 0 {
            let message = connection.errorText
            if message.lowercased().contains("timed out") || deadline.hasPassed {
                throw ConnectorError(.timeout, "\(peer): connect timed out (\(message))")
            }
            throw ConnectorError(.unreachable, "\(peer): \(message)")
        }
        return connection
    }

    // MARK: - Commands

    /// Sends one command and reads its reply. An error reply is a value, not a throw; throws only
    /// when the connection failed or the deadline passed, after which this connection is dead.
    func execute(_ argv: [String], deadline: Deadline) throws(ConnectorError) -> RedisReply {
        let command = argv.first.map { $0.uppercased() } ?? "?"
        try append(argv)
        try flush(deadline: deadline, command: command)
        return try readReply(deadline: deadline, command: command)
    }

    private func append(_ argv: [String]) throws(ConnectorError) {
        let buffers = argv.map { Array($0.utf8) }
        let lengths = buffers.map(\.count)
        let copies: [UnsafeMutablePointer<CChar>] = buffers.map { bytes in
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, bytes.count))
            bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress {
                    UnsafeMutableRawPointer(copy).copyMemory(from: base, byteCount: raw.count)
                }
            }
            return copy
        }
        defer { copies.forEach { $0.deallocate() } }
        var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
        let rc = pointers.withUnsafeMutableBufferPointer { argvPointer in
            lengths.withUnsafeBufferPointer { lengthPointer in
                redisAppendCommandArgv(context, Int32(argv.count), argvPointer.baseAddress, lengthPointer.baseAddress)
            }
        }
        guard rc == REDIS_OK else { throw ConnectorError(.failed, "\(peer): could not format the command") }
    }

    private func flush(deadline: Deadline, command: String) throws(ConnectorError) {
        var done: Int32 = 0
        while done == 0 {
            try StreamSocket.wait(
                fd: context.pointee.fd, for: Int16(POLLOUT), deadline: deadline,
                doing: "sending \(command) to \(peer)")
            try setSocketTimeout(deadline)
            guard redisBufferWrite(context, &done) == REDIS_OK else { throw ioError(command, deadline) }
        }
    }

    private func readReply(deadline: Deadline, command: String) throws(ConnectorError) -> RedisReply {
        while true {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReplyFromReader(context, &raw) == REDIS_OK else {
                throw ConnectorError(.failed, "\(peer): protocol error (\(errorText))")
            }
            if let raw {
                let reply = raw.assumingMemoryBound(to: redisReply.self)
                defer { freeReplyObject(raw) }
                return RedisReply(UnsafePointer(reply))
            }
            try StreamSocket.wait(
                fd: context.pointee.fd, for: Int16(POLLIN), deadline: deadline,
                doing: "waiting for the reply to \(command) from \(peer)")
            guard redisBufferRead(context) == REDIS_OK else { throw ioError(command, deadline) }
        }
    }

    /// Bounds hiredis' own blocking reads and writes by the time left (`SO_RCVTIMEO`/`SO_SNDTIMEO`).
    private func setSocketTimeout(_ deadline: Deadline) throws(ConnectorError) {
        let milliseconds = max(1, Int(deadline.remainingMilliseconds))
        let timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        guard redisSetTimeout(context, timeout) == REDIS_OK else {
            throw ioError("setting the socket timeout", deadline)
        }
    }

    private func ioError(_ activity: String, _ deadline: Deadline) -> ConnectorError {
        let message = errorText
        if deadline.hasPassed || message.contains("temporarily unavailable") {
            return ConnectorError(.timeout, "\(peer): deadline passed during \(activity) (\(message))")
        }
        if context.pointee.err == REDIS_ERR_EOF {
            return ConnectorError(.unreachable, "\(peer): the server closed the connection during \(activity)")
        }
        return ConnectorError(.unreachable, "\(peer): \(activity) failed: \(message)")
    }

    private var errorText: String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
