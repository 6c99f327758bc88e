import Foundation

/// A RESP peer on a loopback port that answers badly on purpose: an adversary, not a mock of
/// Redis. Tests run it beside the stack's real Redis, whose answers must not change.
///
/// It reads the commands a client sends (RESP arrays of bulk strings) and answers `AUTH`,
/// `SELECT` and `PING` as Redis does, so a client gets connected and can prove that an innocent
/// call still works; every other command gets the steps of its ``Behaviour``. Every command
/// received is kept in ``commands`` (the witness of retries).
///
/// ```swift
/// let fake = try FakeRedisServer(.hugeBulkLength)
/// defer { fake.stop() }
/// let redis = RedisConnector(url: fake.url)
/// ```
public final class FakeRedisServer: Sendable {
    /// What the server does with a command other than AUTH, SELECT and PING.
    public enum Behaviour: Sendable {
        /// `$9223372036854775807`, then a few bytes and silence.
        case hugeBulkLength
        /// `$-5` (only -1, the nil bulk, is valid).
        case negativeBulkLength
        /// `*-7` (only -1, the nil array, is valid).
        case negativeArrayLength
        /// `*2147483647`, then integers for ever.
        case hugeArrayLength
        /// `$1073741824` (1 GiB, claimed), then bytes for ever.
        case endlessBulk
        /// `+aaaa…` without an end of line, for ever.
        case endlessLine
        /// `-ERR aaaa…` without an end of line, for ever.
        case endlessError
        /// `*1` nested `levels` times around `:1`.
        case deepNesting(levels: Int)
        /// A valid 200-byte bulk string, one byte every `interval` (20 s at 100 ms).
        case drip(every: Duration)
        /// Bytes that are no RESP at all (an HTTP answer).
        case garbage
        /// `$10\r\nabc`, then the connection closed.
        case closeMidReply
        /// The connection closed before any answer.
        case closeBeforeReply
        /// The first connection closed as soon as it is accepted, before the client has sent
        /// anything (its first write may meet a broken pipe); later ones get the close of
        /// ``closeBeforeReply``.
        case closeAtOnce
        /// Accepts the command and answers nothing.
        case silence
        /// An integer where Redis answers text (`INFO`, `CLIENT LIST`) or an array (`CONFIG GET`…).
        case wrongType
        /// `CONFIG GET` answered with an odd number of elements; other commands with an integer.
        case oddConfigPairs
        /// Two replies for each command: the second one would answer the next command.
        case extraReply
        /// An error reply of `bytes` bytes, for every command.
        case errorFlood(bytes: Int)
        /// A valid array of `count` small integers.
        case array(count: Int)
        /// A valid bulk string of `bytes` bytes.
        case bulk(bytes: Int)
    }

    public let behaviour: Behaviour
    private let listener: AdversaryListener
    private let log = CommandLog()

    public init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        let log = self.log
        listener = try AdversaryListener.tcp { connection in Self.serve(connection, behaviour, log) }
    }

    /// `redis://127.0.0.1:PORT`.
    public var url: String { "redis://127.0.0.1:\(listener.port)" }
    public var port: Int { listener.port }
    /// How many connections the server accepted.
    public var connections: Int { listener.acceptedCount }

    /// Every command received, in order (AUTH with its password replaced by `<password>`).
    public var commands: [[String]] { log.all }

    public func stop() { listener.stop() }

    // MARK: - Serving

    private static func serve(_ connection: AdversaryConnection, _ behaviour: Behaviour, _ log: CommandLog) {
        if case .closeAtOnce = behaviour, log.isFirstConnection() { return }
        while let argv = readCommand(connection) {
            let name = argv.first?.uppercased() ?? ""
            log.append(name == "AUTH" ? ["AUTH", "<password>"] : argv)
            let answer: [AdversaryStep]
            switch name {
            case "AUTH", "SELECT": answer = [.bytes(Array("+OK\r\n".utf8))]
            case "PING": answer = [.bytes(Array("+PONG\r\n".utf8))]
            default: answer = steps(for: behaviour, argv: argv)
            }
            guard connection.play(answer) else { return }
        }
    }

    /// The answer of `behaviour` to one command.
    public static func steps(for behaviour: Behaviour, argv: [String]) -> [AdversaryStep] {
        func text(_ s: String) -> AdversaryStep { .bytes(Array(s.utf8)) }
        let command = argv.prefix(2).map { $0.uppercased() }.joined(separator: " ")
        switch behaviour {
        case .hugeBulkLength: return [text("$9223372036854775807\r\nabc"), .hang]
        case .negativeBulkLength: return [text("$-5\r\n"), .hang]
        case .negativeArrayLength: return [text("*-7\r\n"), .hang]
        case .hugeArrayLength: return [text("*2147483647\r\n"), .forever(Array(":1\r\n".utf8))]
        case .endlessBulk: return [text("$1073741824\r\n"), .forever(Array("a".utf8))]
        case .endlessLine: return [text("+"), .forever(Array("a".utf8))]
        case .endlessError: return [text("-ERR "), .forever(Array("a".utf8))]
        case .deepNesting(let levels): return [text(String(repeating: "*1\r\n", count: levels) + ":1\r\n")]
        case .drip(let interval):
            return [.drip(Array(("$200\r\n" + String(repeating: "d", count: 200) + "\r\n").utf8), every: interval)]
        case .garbage: return [text("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"), .hang]
        case .closeMidReply: return [text("$10\r\nabc"), .close]
        case .closeBeforeReply, .closeAtOnce: return [.close]
        case .silence: return [.hang]
        case .wrongType: return [text(":42\r\n")]
        case .oddConfigPairs:
            return command == "CONFIG GET" ? [text("*3\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n$4\r\nbind\r\n")] : [text(":7\r\n")]
        case .extraReply:
            return command == "CONFIG GET"
                ? [text("*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n*2\r\n$9\r\nmaxmemory\r\n$4\r\n9999\r\n")]
                : [text("$5\r\nfirst\r\n$6\r\nsecond\r\n")]
        case .errorFlood(let bytes):
            var reply = Array("-ERR ".utf8)
            reply.reserveCapacity(bytes + 2)
            reply += [UInt8](repeating: UInt8(ascii: "x"), count: max(0, bytes - 7))
            reply += Array("\r\n".utf8)
            return [.bytes(reply)]
        case .array(let count):
            return [text("*\(count)\r\n" + String(repeating: ":1\r\n", count: count))]
        case .bulk(let bytes):
            var reply = Array("$\(bytes)\r\n".utf8)
            reply += [UInt8](repeating: UInt8(ascii: "b"), count: bytes)
            reply += Array("\r\n".utf8)
            return [.bytes(reply)]
        }
    }

    /// One command as a client library sends it: `*N` and N bulk strings. Nil at end of stream or
    /// on anything else.
    static func readCommand(_ connection: AdversaryConnection) -> [String]? {
        let crlf: [UInt8] = [13, 10]
        guard let header = connection.read(until: crlf, maximum: 64), header.first == UInt8(ascii: "*"),
            let count = Int(String(decoding: header.dropFirst(), as: UTF8.self)), (0...1024).contains(count)
        else { return nil }
        var argv: [String] = []
        for _ in 0..<count {
            guard let line = connection.read(until: crlf, maximum: 64), line.first == UInt8(ascii: "$"),
                let length = Int(String(decoding: line.dropFirst(), as: UTF8.self)), (0...(1 << 20)).contains(length),
                let bytes = connection.read(count: length + 2)
            else { return nil }
            argv.append(String(decoding: bytes.dropLast(2), as: UTF8.self))
        }
        return argv
    }
}

/// The commands a fake server received, shared with its connection threads.
final class CommandLog: @unchecked Sendable {  // `entries` guarded by `lock`
    private let lock = NSLock()
    private var entries: [[String]] = []
    private var connectionsSeen = 0

    /// True for the first caller only.
    func isFirstConnection() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        connectionsSeen += 1
        return connectionsSeen == 1
    }

    func append(_ argv: [String]) {
        lock.lock()
        entries.append(argv)
        lock.unlock()
    }

    var all: [[String]] {
        lock.lock()
        defer { lock.unlock() }
        return entries
    }
}
