import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A loopback listener whose every accepted connection is served on a thread of its own by a
/// handler: the socket layer of the fake servers that speak a protocol badly on purpose
/// (``FakeRedisServer``, ``FakeDockerServer``).
///
/// Listens on an ephemeral TCP port of 127.0.0.1 (``tcp(handler:)``) or on a unix socket
/// (``unix(path:handler:)``). ``stop()``, which every user must call, shuts every connection down
/// (a handler blocked in a send or a read returns at once), waits for the handlers and removes the
/// socket file. Self-contained: Glibc and Foundation only, no connector code.
public final class AdversaryListener: @unchecked Sendable {  // mutable state guarded by `lock`
    /// The TCP port, or 0 for a unix socket.
    public let port: Int
    /// The unix socket path, or empty for TCP.
    public let path: String

    private let listenFD: Int32
    private let handler: @Sendable (AdversaryConnection) -> Void
    private let lock = NSLock()
    private var open: [Int32: AdversaryConnection] = [:]
    private var stopped = false
    private var acceptedTotal = 0
    private let handlers = DispatchGroup()
    private let acceptFinished = DispatchSemaphore(value: 0)

    /// How many connections were accepted so far.
    public var acceptedCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return acceptedTotal
    }

    /// Listens on an ephemeral port of 127.0.0.1.
    public static func tcp(handler: @escaping @Sendable (AdversaryConnection) -> Void) throws -> AdversaryListener {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0, listen(fd, 64) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard rc == 0 else {
            close(fd)
            throw TestFailure("bind/listen 127.0.0.1: errno \(errno)")
        }
        return AdversaryListener(fd: fd, port: Int(UInt16(bigEndian: address.sin_port)), path: "", handler: handler)
    }

    /// Listens on a new unix socket at `path` (removed first if it exists).
    public static func unix(path: String, handler: @escaping @Sendable (AdversaryConnection) -> Void) throws
        -> AdversaryListener
    {
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw TestFailure("unix socket path too long: \(path)")
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
        guard rc == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw TestFailure("bind/listen \(path): errno \(errno)")
        }
        return AdversaryListener(fd: fd, port: 0, path: path, handler: handler)
    }

    private init(fd: Int32, port: Int, path: String, handler: @escaping @Sendable (AdversaryConnection) -> Void) {
        self.listenFD = fd
        self.port = port
        self.path = path
        self.handler = handler
        Thread { [self] in acceptLoop() }.start()
    }

    private func acceptLoop() {
        defer { acceptFinished.signal() }
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return  // shut down by stop()
            }
            lock.lock()
            if stopped {
                lock.unlock()
                close(client)
                continue
            }
            let connection = AdversaryConnection(fd: client)
            open[client] = connection
            acceptedTotal += 1
            handlers.enter()
            lock.unlock()
            Thread { [self] in
                handler(connection)
                lock.lock()
                open[client] = nil
                lock.unlock()
                connection.close()
                handlers.leave()
            }.start()
        }
    }

    /// Stops accepting, shuts every connection down, waits for the handlers to return and removes
    /// the unix socket file. Safe to call more than once.
    public func stop() {
        lock.lock()
        if stopped {
            lock.unlock()
            return
        }
        stopped = true
        let connections = Array(open.values)
        lock.unlock()
        shutdown(listenFD, Int32(SHUT_RDWR))
        acceptFinished.wait()
        close(listenFD)
        connections.forEach { $0.shutDown() }
        handlers.wait()
        if !path.isEmpty { unlink(path) }
    }
}

/// One accepted connection of an ``AdversaryListener``: blocking reads and writes that end when
/// the peer goes away or the listener stops.
public final class AdversaryConnection: @unchecked Sendable {  // used by its handler thread only, but shutDown
    private let fd: Int32
    private let lock = NSLock()
    private var closed = false
    /// Bytes read but not yet consumed.
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    func shutDown() { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        if !closed {
            closed = true
            _ = Glibc.close(fd)
        }
    }

    // MARK: - Reading

    /// Reads until `terminator` has arrived; the bytes before it (the terminator consumed). Nil when
    /// the peer closed first or more than `maximum` bytes came without it.
    public func read(until terminator: [UInt8], maximum: Int = 1 << 20) -> [UInt8]? {
        while true {
            if let end = find(terminator) {
                let line = Array(buffer[..<end])
                buffer.removeFirst(end + terminator.count)
                return line
            }
            guard buffer.count <= maximum, fill() else { return nil }
        }
    }

    /// Reads exactly `count` bytes, or nil when the peer closed first.
    public func read(count: Int) -> [UInt8]? {
        while buffer.count < count {
            guard fill() else { return nil }
        }
        let bytes = Array(buffer[..<count])
        buffer.removeFirst(count)
        return bytes
    }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer += chunk[..<n]
                return true
            }
            if n < 0, errno == EINTR { continue }
            return false
        }
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count, let first = needle.first else { return nil }
        var i = 0
        while i <= buffer.count - needle.count {
            if buffer[i] == first, buffer[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    // MARK: - Writing

    /// Sends every byte; false when the peer went away (or the listener stopped).
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                offset += n
            } else if n < 0, errno == EINTR {
                continue
            } else {
                return false
            }
        }
        return true
    }

    /// Sends `pattern` again and again until the peer goes away or the listener stops; returns how
    /// many bytes went out.
    @discardableResult
    public func sendForever(_ pattern: [UInt8]) -> Int {
        guard !pattern.isEmpty else { return 0 }
        var block: [UInt8] = []
        block.reserveCapacity(64 * 1024 + pattern.count)
        while block.count < 64 * 1024 { block += pattern }
        var total = 0
        while send(block) { total += block.count }
        return total
    }

    /// Sends one byte every `interval`; false when the peer went away first.
    @discardableResult
    public func drip(_ bytes: [UInt8], every interval: Duration) -> Bool {
        let (seconds, attoseconds) = interval.components
        let micros = UInt32(max(0, seconds) * 1_000_000 + attoseconds / 1_000_000_000_000)
        for byte in bytes {
            guard send([byte]) else { return false }
            usleep(micros)
        }
        return true
    }

    /// Reads and discards until the peer closes or the listener stops: a peer that never answers.
    public func hang() {
        buffer = []
        while fill() { buffer = [] }
    }

    /// Plays `steps` in order; false when the connection is over (closed, hung up, or the peer left).
    public func play(_ steps: [AdversaryStep]) -> Bool {
        for step in steps {
            switch step {
            case .bytes(let bytes): guard send(bytes) else { return false }
            case .forever(let pattern):
                sendForever(pattern)
                return false
            case .drip(let bytes, let interval): guard drip(bytes, every: interval) else { return false }
            case .close: return false
            case .hang:
                hang()
                return false
            }
        }
        return true
    }
}

/// One thing a fake server does on a connection.
public enum AdversaryStep: Sendable {
    case bytes([UInt8])
    /// `pattern` for ever, until the client goes away.
    case forever([UInt8])
    /// One byte every `interval`.
    case drip([UInt8], every: Duration)
    /// Closes the connection.
    case close
    /// Reads and ignores everything until the client goes away.
    case hang
}
