import AssayCore
import CHiredis

#if canImport(Glibc)
import Glibc
#endif

/// One hiredis connection whose every wait is bounded by a deadline and whose every reply is
/// bounded by ``ReplyLimits`` while it is read.
///
/// hiredis connects (with its own connect timeout), formats commands and builds reply trees; the
/// bytes in between are moved here. Commands go out with `send(MSG_NOSIGNAL)` (a peer that went
/// away is an error, never a SIGPIPE). Replies come in through a ``RESPFrameScanner`` that fails
/// them the moment they pass a cap or break the framing; only the bytes of exactly one reply
/// reach a fresh hiredis reader, so nothing hiredis holds survives a call.
///
/// A connection is used for one call at a time. After any failure it must be dropped (the owner
/// frees it, which closes it); after a reply followed by bytes nobody asked for it reports
/// ``isInSync`` false and must be dropped too, so that no later call reads a stale answer.
final class HiredisConnection {
    private let context: UnsafeMutablePointer<redisContext>
    private let peer: String
    private var socket: StreamSocket { StreamSocket(fd: context.pointee.fd) }
    /// False once more bytes arrived than the last reply held.
    private(set) var isInSync = true

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

    /// Whether the connection is fit for another call: in sync, and nothing arrived since the last
    /// reply (a server that closed an idle connection, or sent what nobody asked for).
    var isReusable: Bool { isInSync && !socket.hasUnreadInput }

    // MARK: - Commands

    /// Sends one command and reads its reply. An error reply is a value, not a throw; throws when
    /// the command could not be sent, the reply broke a cap or the framing, or the deadline passed,
    /// after which this connection is dead.
    func execute(_ argv: [String], limits: ReplyLimits, deadline: Deadline) throws(ConnectorError) -> RedisReply {
        let command = RedisCommandPolicy.name(of: argv)
        try send(argv, deadline: deadline, command: command)
        return try readReply(limits: limits, deadline: deadline, command: command)
    }

    private func send(_ argv: [String], deadline: Deadline, command: String) throws(ConnectorError) {
        let buffers = argv.map { Array($0.utf8) }
        var formatted: UnsafeMutablePointer<CChar>?
        let length: Int32 = withPointers(to: buffers) { pointers, lengths in
            redisFormatCommandArgv(&formatted, Int32(argv.count), pointers, lengths)
        }
        guard length > 0, let formatted else { throw ConnectorError(.failed, "\(peer): could not format \(command)") }
        defer { redisFreeCommand(formatted) }
        try socket.sendAll(
            UnsafeRawBufferPointer(start: formatted, count: Int(length)), deadline: deadline,
            doing: "sending \(command) to \(peer)")
    }

    private func readReply(limits: ReplyLimits, deadline: Deadline, command: String) throws(ConnectorError)
        -> RedisReply
    {
        guard let reader = redisReaderCreate() else { throw ConnectorError(.failed, "\(peer): hiredis is out of memory") }
        defer { redisReaderFree(reader) }
        var scanner = RESPFrameScanner(limits: limits)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 1)
        defer { chunk.deallocate() }

        while true {
            let received = try socket.receive(
                into: chunk, deadline: deadline, doing: "waiting for the reply to \(command) from \(peer)")
            guard received > 0 else {
                let when = scanner.bytesSeen == 0 ? "before answering" : "in the middle of the reply to"
                throw ConnectorError(.failed, "\(peer): the server closed the connection \(when) \(command)")
            }
            let bytes = UnsafeRawBufferPointer(rebasing: chunk[..<received])
            let progress: RESPFrameScanner.Progress
            do throws(RESPFrameScanner.Failure) {
                progress = try scanner.scan(bytes)
            } catch {
                switch error {
                case .overCap(let why): throw ConnectorError(.failed, "\(peer): \(command): \(why)")
                case .protocolViolation(let why):
                    throw ConnectorError(.failed, "\(peer): protocol error in the reply to \(command): \(why)")
                }
            }
            let end: Int
            switch progress {
            case .needsMore: end = received
            case .complete(let at): end = at
            }
            if !scanner.isTopLevelError {
                let start = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                guard redisReaderFeed(reader, start, end) == REDIS_OK else {
                    throw ConnectorError(.failed, "\(peer): hiredis is out of memory")
                }
            }
            guard case .complete = progress else { continue }
            if end < received { isInSync = false }
            if scanner.isTopLevelError { return .error(String(decoding: scanner.errorPrefix, as: UTF8.self)) }
            var raw: UnsafeMutableRawPointer?
            guard redisReaderGetReply(reader, &raw) == REDIS_OK, let raw else {
                throw ConnectorError(.failed, "\(peer): protocol error in the reply to \(command) (\(readerError(reader)))")
            }
            defer { freeReplyObject(raw) }
            return RedisReply(UnsafePointer(raw.assumingMemoryBound(to: redisReply.self)))
        }
    }

    // MARK: - Helpers

    private func withPointers<R>(
        to buffers: [[UInt8]], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
    ) -> R {
        let copies: [UnsafeMutablePointer<CChar>] = buffers.map { bytes in
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, bytes.count))
            bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress { UnsafeMutableRawPointer(copy).copyMemory(from: base, byteCount: raw.count) }
            }
            return copy
        }
        defer { copies.forEach { $0.deallocate() } }
        var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
        let lengths = buffers.map(\.count)
        return pointers.withUnsafeMutableBufferPointer { pointerBuffer in
            lengths.withUnsafeBufferPointer { body(pointerBuffer.baseAddress!, $0.baseAddress!) }
        }
    }

    private func readerError(_ reader: UnsafeMutablePointer<redisReader>) -> String {
        withUnsafeBytes(of: reader.pointee.errstr) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }

    private var errorText: String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
