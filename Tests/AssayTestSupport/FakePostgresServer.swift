import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server that speaks the wire protocol (v3) *badly*, on a loopback port: an adversary
/// for Assay's PostgreSQL and PgBouncer connectors, not a stand-in for a real server.
///
/// It answers the startup packet (and refuses TLS and GSS encryption), then does one thing wrong,
/// chosen by ``Behaviour``: before authentication ends, or right after the client's first request
/// (a Sync of the extended protocol, or a simple Query) — whatever that request was. Each
/// connection is served on a thread of its own until the client goes or ``stop()`` is called
/// (every user must call it).
///
/// ```swift
/// let fake = try FakePostgresServer(.endlessDataRows)
/// defer { fake.stop() }
/// let pg = PostgresConnector(url: fake.url)
/// ```
public final class FakePostgresServer: @unchecked Sendable {  // mutable state guarded by `lock`
    /// The one thing this server does wrong.
    public enum Behaviour: String, CaseIterable, Sendable {
        /// Asks for a password, reads it, and never says whether it was right.
        case neverAuthenticates
        /// Answers the startup packet with bytes that are no protocol message.
        case garbageAfterStartup
        /// A DataRow whose length says 512 MiB (libpq makes room for it at once), followed by bytes
        /// without end.
        case hugeMessageLength
        /// A DataRow whose length is negative (0xFFFFFFFF).
        case negativeMessageLength
        /// A RowDescription, then valid DataRows without end.
        case endlessDataRows
        /// A valid start of an answer, one byte every 100 ms.
        case drip
        /// A RowDescription and half a DataRow, then the connection closes.
        case closeMidReply
        /// A RowDescription of one column, then a DataRow of three.
        case mismatchedRow
        /// ErrorResponse after ErrorResponse, without end.
        case errorFlood
        /// NoticeResponse after NoticeResponse, without end.
        case noticeFlood
        /// One ErrorResponse whose length says 1 GiB, its message bytes without end.
        case hugeError
        /// One complete ErrorResponse with a 1 MiB message, then ReadyForQuery.
        case longError
    }

    public let behaviour: Behaviour
    public let port: Int

    private let listenFD: Int32
    private let lock = NSLock()
    private var clients: [Int32] = []
    private var stopped = false
    private var acceptedTotal = 0
    private let group = DispatchGroup()

    /// How many connections were accepted so far.
    public var acceptedCount: Int { lock.withLock { acceptedTotal } }

    /// A libpq URL for this server (a password, for the servers that ask for one).
    public func url(database: String = "app") -> String { "postgres://assay:secret@127.0.0.1:\(port)/\(database)" }

    public init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
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
        listenFD = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        group.enter()
        Thread { [self] in
            acceptLoop()
            group.leave()
        }.start()
    }

    /// Stops accepting, ends every connection and waits for their threads.
    public func stop() {
        let open: [Int32] = lock.withLock {
            stopped = true
            return clients
        }
        shutdown(listenFD, Int32(SHUT_RDWR))
        open.forEach { shutdown($0, Int32(SHUT_RDWR)) }
        group.wait()
        close(listenFD)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    // MARK: - Connections

    private func acceptLoop() {
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let accepted: Bool = lock.withLock {
                guard !stopped else { return false }
                clients.append(client)
                acceptedTotal += 1
                return true
            }
            guard accepted else {
                close(client)
                continue
            }
            group.enter()
            Thread { [self] in
                var connection = Connection(fd: client)
                serve(&connection)
                lock.withLock { clients.removeAll { $0 == client } }
                close(client)
                group.leave()
            }.start()
        }
    }

    private func serve(_ connection: inout Connection) {
        guard connection.readStartup() else { return }
        switch behaviour {
        case .neverAuthenticates:
            connection.send(Message.authentication(3))  // cleartext password, please
            _ = connection.readMessage()
            while !isStopped, connection.isOpen { usleep(50_000) }
            return
        case .garbageAfterStartup:
            connection.send(Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8) + [0xFF, 0x00, 0x13, 0x37])
            while !isStopped, connection.isOpen, connection.send(Array(repeating: 0xEE, count: 4096)) { usleep(10_000) }
            return
        default:
            break
        }
        connection.send(Message.handshake)
        // Wait for the first request: a Sync (extended protocol) or a Query (simple protocol).
        while let message = connection.readMessage(), message != UInt8(ascii: "S"), message != UInt8(ascii: "Q") {
            if message == UInt8(ascii: "X") { return }
        }
        misbehave(&connection)
    }

    private func misbehave(_ connection: inout Connection) {
        let keepGoing = { [self] (c: Connection) in !isStopped && c.isOpen }
        let start = Message.parseComplete + Message.bindComplete + Message.rowDescription(["x"])
        switch behaviour {
        case .hugeMessageLength:
            connection.send(start + [UInt8(ascii: "D")] + Message.int32(0x2000_0000))
            let chunk = [UInt8](repeating: 0x41, count: 64 * 1024)
            while keepGoing(connection), connection.send(chunk) {}
        case .negativeMessageLength:
            connection.send(start + [UInt8(ascii: "D")] + Message.int32(-1) + [UInt8](repeating: 0x41, count: 64))
            while keepGoing(connection) { usleep(50_000) }
        case .endlessDataRows:
            connection.send(start)
            let rows = (0..<512).flatMap { _ in Message.dataRow(["a row of the endless kind, again and again"]) }
            while keepGoing(connection), connection.send(rows) {}
        case .drip:
            let answer = start + Message.dataRow([String(repeating: "drip", count: 1000)])
            for byte in answer where keepGoing(connection) {
                guard connection.send([byte]) else { return }
                usleep(100_000)
            }
        case .closeMidReply:
            connection.send(start + Array(Message.dataRow([String(repeating: "half", count: 100)]).prefix(200)))
            shutdown(connection.fd, Int32(SHUT_RDWR))
        case .mismatchedRow:
            connection.send(start + Message.dataRow(["one", "two", "three"]) + Message.commandComplete("SELECT 1"))
            while keepGoing(connection) { usleep(50_000) }
        case .errorFlood:
            let errors = (0..<64).flatMap { n in Message.error("XX000", "error number \(n) of a flood " + String(repeating: "e", count: 900)) }
            while keepGoing(connection), connection.send(errors) {}
        case .noticeFlood:
            let notices = (0..<64).flatMap { n in Message.notice("notice number \(n) of a flood " + String(repeating: "n", count: 900)) }
            while keepGoing(connection), connection.send(notices) {}
        case .hugeError:
            let head: [UInt8] = [UInt8(ascii: "E")] + Message.int32(1 << 30) + Array("SERROR\u{0}CXX000\u{0}M".utf8)
            connection.send(head)
            let chunk = [UInt8](repeating: 0x45, count: 64 * 1024)
            while keepGoing(connection), connection.send(chunk) {}
        case .longError:
            connection.send(Message.error("XX000", "a long error: " + String(repeating: "L", count: 1 << 20))
                + Message.readyForQuery)
            while keepGoing(connection) {
                guard let message = connection.readMessage() else { return }
                if message == UInt8(ascii: "S") || message == UInt8(ascii: "Q") {
                    connection.send(Message.error("XX000", "still long: " + String(repeating: "L", count: 1 << 20))
                        + Message.readyForQuery)
                }
            }
        case .neverAuthenticates, .garbageAfterStartup:
            break
        }
    }

    // MARK: - One client

    private struct Connection {
        let fd: Int32
        var isOpen = true

        init(fd: Int32) {
            self.fd = fd
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        /// Reads the startup packet, refusing TLS and GSS encryption requests; false for a cancel
        /// request or a client that went away.
        mutating func readStartup() -> Bool {
            while true {
                guard let header = read(8) else { return false }
                let length = Int(Message.readInt32(header, at: 0))
                let code = Message.readInt32(header, at: 4)
                guard length >= 8, length < 10_000, length == 8 || read(length - 8) != nil else { return false }
                switch code {
                case 80_877_103, 80_877_104: send([UInt8(ascii: "N")])  // SSLRequest, GSSENCRequest
                case 80_877_102: return false  // CancelRequest
                default: return true
                }
            }
        }

        /// Reads one typed message and returns its type, or nil if the client went away.
        mutating func readMessage() -> UInt8? {
            guard let header = read(5) else { return nil }
            let length = Int(Message.readInt32(header, at: 1))
            guard length >= 4, length < 1 << 24, length == 4 || read(length - 4) != nil else { return nil }
            return header[0]
        }

        mutating func read(_ count: Int) -> [UInt8]? {
            var buffer = [UInt8](repeating: 0, count: count)
            var got = 0
            while got < count {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, count - got, 0) }
                if n > 0 {
                    got += n
                } else if n < 0, errno == EAGAIN || errno == EINTR {
                    continue  // the receive timeout, so that a stopped server notices
                } else {
                    isOpen = false
                    return nil
                }
            }
            return buffer
        }

        /// Sends all of `bytes`; false once the client has gone.
        @discardableResult
        mutating func send(_ bytes: [UInt8]) -> Bool {
            var sent = 0
            while sent < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
                if n > 0 {
                    sent += n
                } else if n < 0, errno == EINTR || errno == EAGAIN {
                    continue
                } else {
                    isOpen = false
                    return false
                }
            }
            return true
        }
    }

    // MARK: - Messages

    /// Backend messages of protocol v3.
    enum Message {
        static func int32(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
        static func int16(_ value: Int16) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }

        static func readInt32(_ bytes: [UInt8], at offset: Int) -> Int32 {
            Int32(bitPattern: UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
                | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3]))
        }

        static func message(_ type: Character, _ payload: [UInt8]) -> [UInt8] {
            [type.asciiValue!] + int32(Int32(payload.count + 4)) + payload
        }

        static func cString(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }

        static func authentication(_ code: Int32) -> [UInt8] { message("R", int32(code)) }

        static let handshake: [UInt8] = {
            var bytes = authentication(0)
            let parameters = [("server_version", "15.0"), ("server_encoding", "UTF8"), ("client_encoding", "UTF8"),
                              ("standard_conforming_strings", "on"), ("integer_datetimes", "on")]
            for (name, value) in parameters { bytes += message("S", cString(name) + cString(value)) }
            bytes += message("K", int32(4242) + int32(4242))
            return bytes + readyForQuery
        }()

        static let readyForQuery = message("Z", [UInt8(ascii: "I")])
        static let parseComplete = message("1", [])
        static let bindComplete = message("2", [])

        /// Columns of type text (OID 25).
        static func rowDescription(_ names: [String]) -> [UInt8] {
            var payload = int16(Int16(names.count))
            for name in names {
                payload += cString(name)
                payload += int32(0) + int16(0)  // no table, no column number
                payload += int32(25) + int16(-1)  // text, variable length
                payload += int32(-1) + int16(0)  // no type modifier, text format
            }
            return message("T", payload)
        }

        static func dataRow(_ values: [String]) -> [UInt8] {
            var payload = int16(Int16(values.count))
            for value in values { payload += int32(Int32(value.utf8.count)) + Array(value.utf8) }
            return message("D", payload)
        }

        static func commandComplete(_ tag: String) -> [UInt8] { message("C", cString(tag)) }

        static func error(_ state: String, _ text: String) -> [UInt8] {
            message("E", cString("SERROR") + cString("VERROR") + cString("C" + state) + cString("M" + text) + [0])
        }

        static func notice(_ text: String) -> [UInt8] {
            message("N", cString("SNOTICE") + cString("VNOTICE") + cString("C00000") + cString("M" + text) + [0])
        }
    }
}
