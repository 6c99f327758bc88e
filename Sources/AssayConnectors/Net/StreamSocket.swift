#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import AssayCore

/// Deadline-bounded sends and receives on a connected stream socket that someone else owns (the
/// hiredis context's descriptor).
///
/// Every call is non-blocking (`MSG_DONTWAIT`) and waits with `poll(2)` for at most the time left,
/// so a peer that accepts and never answers, or answers a byte at a time, costs exactly the
/// deadline. Sends never raise SIGPIPE (`MSG_NOSIGNAL`): a peer that went away is an error of
/// the call. `EINTR` is retried here and nowhere else.
struct StreamSocket {
    let fd: Int32

    // MARK: - Sending and receiving

    /// Sends every byte, waiting for room as long as the deadline allows.
    /// - Parameter activity: what the messages say was happening (`sending INFO to redis://…`).
    func sendAll(_ bytes: UnsafeRawBufferPointer, deadline: Deadline, doing activity: String) throws(ConnectorError) {
        var offset = 0
        while offset < bytes.count {
            let n = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            if n > 0 {
                offset += n
                continue
            }
            let code = errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try Self.wait(fd: fd, for: Int16(POLLOUT), deadline: deadline, doing: activity)
            default: throw ConnectorError(.failed, "\(activity) failed: \(Self.errnoText(code))")
            }
        }
    }

    /// Receives what is available into `buffer`, waiting as long as the deadline allows; 0 when the
    /// peer closed the connection.
    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline, doing activity: String)
        throws(ConnectorError) -> Int
    {
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            if n >= 0 { return n }
            let code = errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try Self.wait(fd: fd, for: Int16(POLLIN), deadline: deadline, doing: activity)
            default: throw ConnectorError(.failed, "\(activity) failed: \(Self.errnoText(code))")
            }
        }
    }

    /// Whether anything can be read right now — bytes nobody asked for, or the peer's close — on a
    /// connection that should be idle between two calls.
    var hasUnreadInput: Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) != 0  // readable, hung up, failed, or interrupted: not idle for sure
    }

    // MARK: - Waiting

    /// ``SocketWait`` on one descriptor until it is ready or the deadline passes.
    static func wait(fd: Int32, for events: Int16, deadline: Deadline, doing activity: String) throws(ConnectorError) {
        switch SocketWait.wait(fd, for: events, until: deadline) {
        case .ready: return
        case .timedOut: throw ConnectorError(.timeout, "deadline passed while \(activity)")
        case .failed(let code): throw ConnectorError(.failed, "poll: \(StreamSocket.errnoText(code))")
        }
    }

    /// The text of an `errno` value, such as "Connection refused".
    static func errnoText(_ code: Int32 = errno) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
