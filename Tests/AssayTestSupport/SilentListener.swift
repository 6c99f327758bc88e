import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A loopback listener that accepts connections and never answers: the peer of a hung server.
///
/// Listens on a unix socket (``unix(path:)``) or on an ephemeral TCP port of 127.0.0.1 (``tcp()``),
/// accepts on a background thread and holds every accepted connection open, silent, until
/// ``stop()``, which every user must call (the accepting thread keeps the listener alive until
/// then). Self-contained: Glibc and Foundation only, no connector code.
public final class SilentListener: @unchecked Sendable {  // mutable state guarded by `lock`
    /// `unix:///path` or `127.0.0.1:PORT`.
    public let address: String
    /// The TCP port, or 0 for a unix socket.
    public let port: Int
    /// The unix socket path, or empty for TCP.
    public let path: String

    private let listenFD: Int32
    private let lock = NSLock()
    private var accepted: [Int32] = []
    private var stopped = false
    private var acceptedTotal = 0
    private let finished = DispatchSemaphore(value: 0)

    /// How many connections were accepted so far.
    public var acceptedCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return acceptedTotal
    }

    /// Listens on a new unix socket at `path` (removed first if it exists).
    public static func unix(path: String) throws -> SilentListener {
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SilentListenerError("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw SilentListenerError("path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw SilentListenerError("bind/listen \(path): errno \(errno)")
        }
        return SilentListener(fd: fd, address: "unix://\(path)", port: 0, path: path)
    }

    /// Listens on an ephemeral port of 127.0.0.1.
    public static func tcp() throws -> SilentListener {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SilentListenerError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0, listen(fd, 16) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard rc == 0 else {
            close(fd)
            throw SilentListenerError("bind/listen 127.0.0.1: errno \(errno)")
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        return SilentListener(fd: fd, address: "127.0.0.1:\(port)", port: port, path: "")
    }

    private init(fd: Int32, address: String, port: Int, path: String) {
        self.listenFD = fd
        self.address = address
        self.port = port
        self.path = path
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    private func acceptLoop() {
        defer { finished.signal() }
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return  // shut down by stop()
            }
            lock.lock()
            if stopped {
                close(client)
            } else {
                accepted.append(client)
                acceptedTotal += 1
            }
            lock.unlock()
        }
    }

    /// Stops accepting, closes every held connection and removes the unix socket file.
    public func stop() {
        lock.lock()
        if stopped {
            lock.unlock()
            return
        }
        stopped = true
        let held = accepted
        accepted = []
        lock.unlock()
        shutdown(listenFD, Int32(SHUT_RDWR))
        finished.wait()
        close(listenFD)
        held.forEach { close($0) }
        if !path.isEmpty { unlink(path) }
    }
}

public struct SilentListenerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
