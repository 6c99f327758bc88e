#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import AssayCore

/// A non-blocking stream socket whose every wait is bounded by a ``Deadline``.
///
/// Connecting, writing and reading wait with `poll(2)` for at most the time left, so a peer that
/// accepts and never answers costs exactly the deadline and no more. `EINTR` is retried here and
/// nowhere else. The descriptor is closed when the socket is released.
final class StreamSocket {
    private(set) var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { close() }

    func close() {
        if fd >= 0 {
            _ = systemClose(fd)
            fd = -1
        }
    }

    // MARK: - Connecting

    /// Connects to the unix-domain stream socket at `path`.
    ///
    /// A missing path or a refusing socket throws ``ConnectorError/Kind/unreachable`` at once; a
    /// listener whose backlog stays full until the deadline throws ``ConnectorError/Kind/timeout``.
    static func connectUnix(path: String, deadline: Deadline) throws(ConnectorError) -> StreamSocket {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let pathBytes = Array(path.utf8)
        guard !pathBytes.isEmpty, pathBytes.count < capacity, !pathBytes.contains(0) else {
            throw ConnectorError(.unreachable, "\(path): not a usable unix socket path (at most \(capacity - 1) bytes)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }

        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ConnectorError(.failed, "socket(AF_UNIX): \(StreamSocket.errnoText())") }
        let sock = StreamSocket(fd: fd)
        try sock.setNonBlocking()

        while true {
            let rc = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if rc == 0 { return sock }
            let code = errno
            switch code {
            case EINTR:
                continue
            case EINPROGRESS:
                try sock.wait(for: Int16(POLLOUT), deadline: deadline, doing: "connecting to \(path)")
                var soError: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
                if soError == 0 { return sock }
                throw ConnectorError(.unreachable, "\(path): \(StreamSocket.errnoText(soError))")
            case EAGAIN:
                // A unix listener with a full backlog: the kernel says "try again", and poll(2)
                // cannot tell when. Retry every 10 ms until the deadline.
                guard !deadline.hasPassed else {
                    throw ConnectorError(.timeout, "\(path): the listener's backlog stayed full until the deadline")
                }
                _ = poll(nil, 0, min(10, deadline.remainingMilliseconds))
            default:
                throw ConnectorError(.unreachable, "\(path): \(StreamSocket.errnoText(code))")
            }
        }
    }

    // MARK: - Writing and reading

    /// Writes every byte, waiting for room as long as the deadline allows.
    func writeAll(_ bytes: [UInt8], deadline: Deadline, peer: String) throws(ConnectorError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                offset += n
                continue
            }
            let code = errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLOUT), deadline: deadline, doing: "writing to \(peer)")
            default: throw ConnectorError(.unreachable, "\(peer): write failed: \(StreamSocket.errnoText(code))")
            }
        }
    }

    /// Reads what is available, up to `maximum` bytes, waiting as long as the deadline allows.
    /// Returns an empty array when the peer closed the connection.
    func read(maximum: Int, deadline: Deadline, peer: String) throws(ConnectorError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n >= 0 { return Array(buffer[..<n]) }
            let code = errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLIN), deadline: deadline, doing: "waiting for \(peer)")
            default: throw ConnectorError(.unreachable, "\(peer): read failed: \(StreamSocket.errnoText(code))")
            }
        }
    }

    // MARK: - Waiting

    /// Waits until the socket is ready for `events`, or throws ``ConnectorError/Kind/timeout`` when the
    /// deadline passes first.
    func wait(for events: Int16, deadline: Deadline, doing activity: String) throws(ConnectorError) {
        try StreamSocket.wait(fd: fd, for: events, deadline: deadline, doing: activity)
    }

    /// ``SocketWait`` on one descriptor until it is ready or the deadline passes; shared with the
    /// hiredis connection, whose descriptor this type does not own.
    static func wait(fd: Int32, for events: Int16, deadline: Deadline, doing activity: String) throws(ConnectorError) {
        switch SocketWait.wait(fd, for: events, until: deadline) {
        case .ready: return
        case .timedOut: throw ConnectorError(.timeout, "deadline passed while \(activity)")
        case .failed(let code): throw ConnectorError(.failed, "poll: \(StreamSocket.errnoText(code))")
        }
    }

    private func setNonBlocking() throws(ConnectorError) {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else {
            throw ConnectorError(.failed, "fcntl(O_NONBLOCK): \(StreamSocket.errnoText())")
        }
    }
}

// The free functions, out of reach of the methods of the same name.
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}

extension StreamSocket {
    /// The text of an `errno` value, such as "Connection refused".
    static func errnoText(_ code: Int32 = errno) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
