import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback TCP listener that accepts connections and never sends a byte: the shape of a hung
/// server, for deadline tests. Self-contained (Foundation and the C library only).
///
/// Call ``stop()`` when done: the accepting thread keeps the server alive until then.
///
/// ```swift
/// let server = try NeverAnsweringServer()
/// defer { server.stop() }
/// // connect to 127.0.0.1:\(server.port) and expect a timeout
/// ```
final class NeverAnsweringServer: @unchecked Sendable {  // mutable state is guarded by `lock`
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The port it listens on, on 127.0.0.1.
    let port: Int

    private let listener: Int32
    private let lock = NSLock()
    private var stopped = false
    private var accepted: [Int32] = []
    private let finished = DispatchSemaphore(value: 0)

    /// Starts listening on a free port and accepting in a background thread.
    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw Failure(description: "bind/listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.listener = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// How many connections it has accepted so far.
    var acceptedCount: Int { lock.withLock { accepted.count } }

    /// Stops accepting and closes every connection (clients then see end of file).
    func stop() {
        let alreadyStopped = lock.withLock {
            let was = stopped
            stopped = true
            return was
        }
        guard !alreadyStopped else { return }
        finished.wait()
        lock.withLock {
            accepted.forEach { _ = close($0) }
            accepted.removeAll()
        }
        close(listener)
    }

    private func acceptLoop() {
        defer { finished.signal() }
        while !lock.withLock({ stopped }) {
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 20) > 0 else { continue }
            let client = accept(listener, nil, nil)
            if client >= 0 { lock.withLock { accepted.append(client) } }
        }
    }
}
