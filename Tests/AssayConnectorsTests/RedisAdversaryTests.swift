import AssayCore
import AssayTestSupport
import Foundation
import Testing

@testable import AssayConnectors

/// The Redis connector against ``FakeRedisServer`` peers that speak RESP badly, one behaviour per
/// case, each beside the stack's real Redis, whose answers must not change. Every call ends
/// within its deadline, fails with the kind that says what happened, and leaves the connector
/// fit for the next, innocent call.
@Suite("Redis adversaries")
struct RedisAdversaryTests {
    let target: RedisStackTarget

    init() throws {
        target = try RedisStackTarget(url: LiveStack.current().redisURL)
    }

    /// The real Redis, asked for settings that nothing in the tests changes.
    private var healthy: @Sendable () throws -> JSONValue {
        let url = target.url
        return {
            let redis = RedisConnector(url: url)
            defer { redis.close() }
            let config = try redis.call("config_get", ["maxmemory", "maxclients", "protected-mode"], deadline: .after(.seconds(5)))
            let port = try redis.call("info", ["server"], deadline: .after(.seconds(5)))["server"]?["tcp_port"]
            return ["config": config, "port": port ?? .null]
        }
    }

    /// One hostile behaviour and what the connector must make of it.
    struct Case: Sendable, CustomTestStringConvertible {
        let behaviour: FakeRedisServer.Behaviour
        let kind: ConnectorError.Kind
        /// The message holds this, or one of ``alternatives`` (a close races the client's write).
        let message: String
        let name: String
        var alternatives: [String] = []
        /// Whether the call leaves the connection unusable (a complete reply of the wrong shape does not).
        var dropsConnection = true
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(behaviour: .hugeBulkLength, kind: .failed, message: "INFO: reply larger than 16 MiB (limits.reply_max_mb)", name: "huge bulk length"),
        Case(behaviour: .negativeBulkLength, kind: .failed, message: "negative bulk length -5", name: "negative bulk length"),
        Case(behaviour: .negativeArrayLength, kind: .failed, message: "negative array length -7", name: "negative array length"),
        Case(
            behaviour: .hugeArrayLength, kind: .failed,
            message: "reply holds more than 1000000 values (limits.reply_max_elements)", name: "huge array length"),
        Case(behaviour: .endlessBulk, kind: .failed, message: "reply larger than 16 MiB (limits.reply_max_mb)", name: "endless bulk"),
        Case(behaviour: .endlessLine, kind: .failed, message: "reply larger than 16 MiB (limits.reply_max_mb)", name: "endless line"),
        Case(behaviour: .endlessError, kind: .failed, message: "reply larger than 16 MiB (limits.reply_max_mb)", name: "endless error"),
        Case(
            behaviour: .deepNesting(levels: 100_000), kind: .failed,
            message: "reply nested deeper than 7 levels (hiredis 0.14 reads no deeper)", name: "deep nesting"),
        Case(behaviour: .drip(every: .milliseconds(100)), kind: .timeout, message: "deadline passed", name: "drip"),
        Case(behaviour: .silence, kind: .timeout, message: "deadline passed while waiting for the reply to INFO", name: "silence"),
        Case(behaviour: .garbage, kind: .failed, message: "unexpected byte 0x48 ('H') where a reply type was expected", name: "garbage"),
        Case(
            behaviour: .closeMidReply, kind: .failed,
            message: "the server closed the connection in the middle of the reply to INFO", name: "close mid-reply"),
        Case(
            behaviour: .closeBeforeReply, kind: .failed, message: "the server closed the connection before answering INFO",
            name: "close before the reply"),
        Case(
            behaviour: .wrongType, kind: .failed, message: "INFO answered an integer where Redis sends text", name: "wrong type",
            dropsConnection: false),
    ]

    @Test(arguments: cases)
    func hostileReplyFailsOnlyItsCall(_ adversary: Case) throws {
        let fake = try FakeRedisServer(adversary.behaviour)
        defer { fake.stop() }
        let redis = RedisConnector(url: fake.url, password: "fake-secret-\(UUID().uuidString.prefix(6))")
        defer { redis.close() }
        let deadline = 1.5
        Adversary.beside(healthy: healthy) {
            let (error, seconds) = Adversary.failure { () throws(ConnectorError) in
                try redis.call("info", [], deadline: .after(.milliseconds(Int64(deadline * 1000))))
            }
            #expect(error?.kind == adversary.kind, "\(String(describing: error))")
            let message = error?.message ?? ""
            #expect(([adversary.message] + adversary.alternatives).contains { message.contains($0) }, "\(message)")
            #expect(message.count < 400, "a short message")
            #expect(!message.contains("fake-secret"))
            #expect(seconds < deadline + 0.5, "took \(seconds) s")
            if adversary.kind == .timeout { #expect(seconds >= deadline - 0.05, "took \(seconds) s") }
            // The next, innocent call reconnects and succeeds.
            let pong = try? redis.call("command", ["PING"], deadline: .after(.seconds(2)))
            #expect(pong == "PONG")
        }
        let infos = fake.commands.filter { $0.first == "INFO" }.count
        #expect(infos == (adversary.name == "close at once" ? 0 : 1), "sent once, never retried")
        if adversary.dropsConnection {
            #expect(fake.connections == 2, "the failed connection was dropped and a new one opened")
        } else {
            #expect(fake.connections == 1, "a complete reply keeps the connection in sync")
        }
    }

    // MARK: - Replies that end, but lie

    @Test func aReplyFollowedByAnotherIsNotReadAsTheNextAnswer() throws {
        let fake = try FakeRedisServer(.extraReply)
        defer { fake.stop() }
        let redis = RedisConnector(url: fake.url)
        defer { redis.close() }
        Adversary.beside(healthy: healthy) {
            for _ in 0..<3 {
                let config = try? redis.call("config_get", ["maxmemory"], deadline: .after(.seconds(2)))
                #expect(config == ["maxmemory": "0"], "the second reply (9999) must never answer a later call")
            }
        }
        #expect(fake.connections == 3, "each out-of-sync connection was dropped")
    }

    @Test func configPairsThatDoNotPairFail() throws {
        let fake = try FakeRedisServer(.oddConfigPairs)
        defer { fake.stop() }
        let redis = RedisConnector(url: fake.url)
        defer { redis.close() }
        let (error, _) = Adversary.failure { () throws(ConnectorError) in
            try redis.call("config_get", ["maxmemory"], deadline: .after(.seconds(2)))
        }
        #expect(error?.kind == .failed)
        #expect(error?.message.contains("CONFIG GET answered an array of 3 elements where Redis sends name/value pairs") == true)
        #expect(try redis.call("command", ["PING"], deadline: .after(.seconds(2))) == "PONG")
        #expect(fake.connections == 1, "a complete reply of the wrong shape keeps the connection in sync")
    }

    // MARK: - Floods of errors

    @Test func sixTwentyMegabyteErrorsEndByTheReplyCapNotTheDeadline() throws {
        let fake = try FakeRedisServer(.errorFlood(bytes: 20_000_000))
        defer { fake.stop() }
        let redis = RedisConnector(url: fake.url)
        defer { redis.close() }
        let callDeadline = 10.0
        Adversary.beside(healthy: healthy) {
            for _ in 0..<6 {
                let (error, seconds) = Adversary.failure { () throws(ConnectorError) in
                    try redis.call("command", ["INFO"], deadline: .after(.seconds(10)))
                }
                // Ended by the reply cap, before its own deadline (the time is a check that the
                // cap, not the clock, stopped it; the speed itself is measured, not asserted).
                #expect(seconds < callDeadline)
                #expect(error?.kind == .failed)
                #expect(error?.message.hasSuffix("INFO: reply larger than 16 MiB (limits.reply_max_mb)") == true)
            }
        }
        #expect(fake.commands.filter { $0.first == "INFO" }.count == 6, "none retried")
    }

    @Test func errorRepliesAreCutToFourKiBAndKeepTheConnection() throws {
        let fake = try FakeRedisServer(.errorFlood(bytes: 1_000_000))
        defer { fake.stop() }
        let redis = RedisConnector(url: fake.url)
        defer { redis.close() }
        let (error, seconds) = Adversary.failure { () throws(ConnectorError) in
            try redis.call("info", [], deadline: .after(.seconds(5)))
        }
        #expect(error?.kind == .denied)
        let message = error?.message ?? ""
        #expect(message.contains("INFO failed: ERR xxxx"))
        #expect(message.count > 4000 && message.count < 4096 + 200, "\(message.count) characters")
        #expect(seconds < 1)
        #expect(try redis.call("command", ["PING"], deadline: .after(.seconds(2))) == "PONG")
        #expect(fake.connections == 1, "an error reply read in full leaves the connection in sync")
    }

    // MARK: - Caps

    @Test func capsFollowTheConfiguredLimits() throws {
        let limits = ReplyLimits(bytes: 64 << 10, elements: 1000, depth: 3)
        let options = ConnectorOptions(replyLimits: limits)
        for (behaviour, message) in [
            (FakeRedisServer.Behaviour.bulk(bytes: 70_000), "reply larger than 64 KiB (limits.reply_max_mb)"),
            (.array(count: 1001), "reply holds more than 1000 values (limits.reply_max_elements)"),
            (.deepNesting(levels: 4), "reply nested deeper than 3 levels (limits.reply_max_depth)"),
        ] {
            let fake = try FakeRedisServer(behaviour)
            defer { fake.stop() }
            let redis = RedisConnector(url: fake.url, options: options)
            defer { redis.close() }
            let (error, _) = Adversary.failure { () throws(ConnectorError) in
                try redis.call("command", ["INFO"], deadline: .after(.seconds(5)))
            }
            #expect(error?.kind == .failed)
            #expect(error?.message.hasSuffix(message) == true, "\(String(describing: error))")
        }
        for (behaviour, values) in [(FakeRedisServer.Behaviour.bulk(bytes: 60_000), 1), (.array(count: 1000), 1000)] {
            let fake = try FakeRedisServer(behaviour)
            defer { fake.stop() }
            let redis = RedisConnector(url: fake.url, options: options)
            defer { redis.close() }
            let reply = try redis.call("command", ["INFO"], deadline: .after(.seconds(5)))
            #expect((reply.arrayValue?.count ?? 1) == values, "a reply at the cap is read")
        }
        let fake = try FakeRedisServer(.deepNesting(levels: 3))
        defer { fake.stop() }
        let nested = try RedisConnector(url: fake.url, options: options).call("command", ["INFO"], deadline: .after(.seconds(5)))
        #expect(nested == [[[1]]])
    }

    // MARK: - Memory

    @Test(arguments: [
        FakeRedisServer.Behaviour.endlessBulk, .endlessLine, .endlessError, .hugeArrayLength, .array(count: 1_000_000),
    ])
    func endlessStreamsKeepTheProcessUnder300MB(_ behaviour: FakeRedisServer.Behaviour) throws {
        let fake = try FakeRedisServer(behaviour)
        defer { fake.stop() }
        let (outcome, peak) = try Adversary.callInChild("redis", url: fake.url, ["command", "INFO"], deadlineMS: 3000)
        #expect(peak < 300, "peak RSS \(peak) MiB (\(outcome))")
        if case .array = behaviour {
            #expect(outcome == "ok values=1000001", "\(outcome)")
        } else {
            #expect(outcome.hasPrefix("failed "), "\(outcome)")
        }
    }
}
