import AssayCore
#if canImport(Glibc)
import Glibc
#endif

/// Stands between libpq and the server once a connection is open, so that libpq only ever holds
/// the bytes Assay let through.
///
/// libpq makes room for a whole protocol message as soon as it reads the message's length — a
/// DataRow or ErrorResponse may claim up to 2 GiB — and then reads the socket for as long as bytes
/// keep coming. To bound that while it happens, the relay takes the connection's socket over: it
/// keeps a duplicate of the server socket for itself and puts one end of a unix socket pair in
/// its place, under the same descriptor number (`dup2`), so libpq — TLS included, which is bound
/// to that number — reads and writes the pair without knowing. Assay moves the bytes across,
/// at most ``chunk`` at a time and only after counting them, so a reply over its cap is stopped
/// before libpq sees more than the cap and one chunk. Works the same for TCP and unix sockets.
final class SocketRelay {
    /// The most bytes moved from the server towards libpq in one step.
    static let chunk = 64 * 1024

    /// Assay's duplicate of the server socket.
    private let server: Int32
    /// Assay's end of the pair; libpq holds the other end under its old descriptor number.
    private let relay: Int32
    /// libpq's end of the pair (its descriptor number, unchanged).
    private let libpq: Int32
    /// Bytes libpq wrote that the server has not taken yet.
    private var outbound: [UInt8] = []
    /// Bytes from the server that libpq has not taken yet.
    private var inbound: [UInt8] = []
    private var inboundOffset = 0
    /// Whether the server closed its side (passed on to libpq once `inbound` is delivered).
    private var serverClosed = false
    private var closed = false
    /// Bytes read from the server so far.
    private(set) var received = 0

    /// Takes over `fd`, libpq's socket of an open connection.
    init(takingOver fd: Int32) throws(ConnectorError) {
        let duplicate = dup(fd)
        guard duplicate >= 0 else { throw Self.failure("dup") }
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else {
            Glibc.close(duplicate)
            throw Self.failure("socketpair")
        }
        // libpq's descriptor number now names its end of the pair; the server socket lives on as
        // `duplicate`. Both ends are non-blocking, as libpq's socket was.
        guard dup2(pair[0], fd) >= 0 else {
            [duplicate, pair[0], pair[1]].forEach { _ = Glibc.close($0) }
            throw Self.failure("dup2")
        }
        Glibc.close(pair[0])
        for descriptor in [fd, pair[1], duplicate] {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        server = duplicate
        relay = pair[1]
        libpq = fd
    }

    deinit { close() }

    /// Moves whatever can move without waiting: libpq's output to the server, and the server's
    /// input to libpq while `limit` allows. Returns whether anything moved.
    ///
    /// - Throws: `.failed` with ``ReplyMeter/tooLarge(_:)`` once more than `limit` bytes came
    ///   from the server (counted from the relay's start); `.unreachable` if a socket fails.
    func transfer(limit: ReplyLimits, since start: Int) throws(ConnectorError) -> Bool {
        var moved = false
        // libpq → server
        var buffer = [UInt8](repeating: 0, count: Self.chunk)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(relay, $0.baseAddress, $0.count) }
            if count > 0 {
                outbound.append(contentsOf: buffer[0..<count])
                moved = true
            } else {
                break  // EAGAIN, or libpq closed its end: nothing to pass on
            }
        }
        while !outbound.isEmpty {
            let count = outbound.withUnsafeBytes { send(server, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                outbound.removeFirst(count)
                moved = true
            } else if count < 0, errno == EAGAIN || errno == EINTR {
                break
            } else {
                throw ConnectorError(.unreachable, "the server closed the connection while Assay sent to it")
            }
        }
        // server → libpq, one chunk at a time, counted before libpq sees it
        if inboundOffset == inbound.count, !serverClosed {
            inbound = []
            inboundOffset = 0
            let count = buffer.withUnsafeMutableBytes { recv(server, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += count
                if received - start > limit.bytes { throw ReplyMeter.tooLarge(limit) }
                inbound = Array(buffer[0..<count])
                moved = true
            } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                serverClosed = true
                moved = true
            }
        }
        while inboundOffset < inbound.count {
            let count = inbound.withUnsafeBytes {
                send(relay, $0.baseAddress! + inboundOffset, inbound.count - inboundOffset, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                inboundOffset += count
                moved = true
            } else {
                break
            }
        }
        if serverClosed, inboundOffset == inbound.count {
            shutdown(relay, Int32(SHUT_WR))  // libpq reads the end of the stream: "server closed the connection"
        }
        return moved
    }

    /// Whether bytes the relay passed on still wait in the pair for libpq to read them.
    var libpqHasUnread: Bool {
        guard !closed else { return false }
        var entry = pollfd(fd: libpq, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0 && entry.revents & Int16(POLLIN) != 0
    }

    /// Waits until something can move, or the deadline passes.
    func wait(until deadline: Deadline) -> SocketWait.Outcome {
        while true {
            let timeout = deadline.remainingMilliseconds
            if timeout == 0 { return .timedOut }
            let wantsServer = inboundOffset == inbound.count && !serverClosed
            let hasInbound = inboundOffset < inbound.count
            var entries = [
                pollfd(fd: server, events: (wantsServer ? Int16(POLLIN) : 0) | (outbound.isEmpty ? 0 : Int16(POLLOUT)),
                       revents: 0),
                pollfd(fd: relay, events: Int16(POLLIN) | (hasInbound ? Int16(POLLOUT) : 0), revents: 0),
            ]
            let result = poll(&entries, 2, timeout)
            if result > 0 { return .ready }
            if result < 0, errno != EINTR { return .failed(errno) }
        }
    }

    /// Passes on what libpq wrote last (its Terminate message), then waits — `milliseconds` at
    /// most — for the server to close its side, and closes. A backend closes its socket only when
    /// it exits, so once this returns the server no longer counts the connection: the next audit
    /// connection the budget lets open never overlaps it in the server's `pg_stat_activity`.
    func closeGracefully(milliseconds: Int32) {
        guard !closed else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(relay, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            outbound.append(contentsOf: buffer[0..<count])
        }
        let end = Deadline.after(.milliseconds(Int64(milliseconds)))
        while !outbound.isEmpty, !end.hasPassed {
            let count = outbound.withUnsafeBytes { send(server, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                outbound.removeFirst(count)
            } else if count < 0, errno == EAGAIN || errno == EINTR {
                var entry = pollfd(fd: server, events: Int16(POLLOUT), revents: 0)
                _ = poll(&entry, 1, end.remainingMilliseconds)
            } else {
                break
            }
        }
        shutdown(server, Int32(SHUT_WR))
        while !end.hasPassed {
            var entry = pollfd(fd: server, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, end.remainingMilliseconds) > 0 else { break }
            let count = buffer.withUnsafeMutableBytes { recv(server, $0.baseAddress, $0.count, 0) }
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) { break }
        }
        close()
    }

    /// Closes Assay's descriptors: the server sees the connection end. Safe to call more than once.
    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(server)
        Glibc.close(relay)
    }

    private static func failure(_ call: String) -> ConnectorError {
        ConnectorError(.failed, "could not set up the connection's relay (\(call)): \(StreamSocket.errnoText())")
    }
}
