import AssayCore
import AssayTestSupport
import Foundation
import Testing

@testable import AssayConnectors

/// The Redis connector against real redis-server 7.0 processes: the stack's (requirepass,
/// protected-mode yes, maxmemory 0) and servers of the tests' own for special states.
@Suite("Redis connector")
struct RedisConnectorTests {
    let target: RedisStackTarget

    init() throws {
        target = try RedisStackTarget(url: LiveStack.current().redisURL)
    }

    private func connector(_ options: ConnectorOptions = ConnectorOptions()) -> RedisConnector {
        RedisConnector(url: target.url, options: options)
    }

    private func json(_ value: JSONValue) -> String { JSONWriter().string(value) }

    /// Runs `body`, expecting a ConnectorError, and returns it with the seconds it took.
    private func failure(_ body: () throws(ConnectorError) -> JSONValue) -> (error: ConnectorError?, seconds: Double) {
        let start = Deadline.monotonicNanoseconds()
        var caught: ConnectorError?
        do { _ = try body() } catch { caught = error }
        return (caught, Double(Deadline.monotonicNanoseconds() - start) / 1e9)
    }

    // MARK: - Answers

    @Test func infoIsSectionedAndTyped() throws {
        let redis = connector()
        defer { redis.close() }
        let info = try redis.call("info", [], deadline: .after(.seconds(5)))
        #expect(info["server"]?["redis_version"]?.stringValue?.hasPrefix("7.") == true)
        guard case .int(let used)? = info["memory"]?["used_memory"] else {
            Issue.record("used_memory is not an int: \(String(describing: info["memory"]?["used_memory"]))")
            return
        }
        #expect(used > 0)
        if case .double? = info["memory"]?["mem_fragmentation_ratio"] {
        } else {
            Issue.record("mem_fragmentation_ratio is not a double")
        }
        #expect(info["memory"]?["maxmemory"] == .int(0))
        #expect(info["server"]?["redis_git_sha1"]?.stringValue != nil)

        let stats = try redis.call("info", ["commandstats"], deadline: .after(.seconds(5)))
        let calls = stats["commandstats"]?["cmdstat_info"]?["calls"]
        #expect(calls?.intValue.map { $0 >= 1 } == true, "cmdstat_info.calls: \(String(describing: calls))")
        #expect(stats["commandstats"]?["cmdstat_info"]?["usec_per_call"]?.doubleValue != nil)
        #expect(stats["memory"] == nil)
    }

    @Test func configGetReadsSettings() throws {
        let redis = connector()
        defer { redis.close() }
        let config = try redis.call("config_get", ["maxmemory", "protected-mode"], deadline: .after(.seconds(5)))
        #expect(config == .object(["maxmemory": "0", "protected-mode": "yes"]))
        let raw = try redis.call("command", ["config", "get", "maxmemory"], deadline: .after(.seconds(5)))
        #expect(raw == .array(["maxmemory", "0"]))
    }

    @Test func typedHelpers() throws {
        let redis = connector()
        defer { redis.close() }
        let role = try redis.call("role", [], deadline: .after(.seconds(5)))
        #expect(role["role"] == "master")
        #expect(role["replicas"] == .array([]))

        let clients = try #require(try redis.call("client_list", [], deadline: .after(.seconds(5))).arrayValue)
        let me = try #require(clients.first { $0["cmd"] == "client|list" })
        #expect(me["id"]?.intValue != nil)
        #expect(me["multi"] == .int(-1))
        #expect(me["addr"]?.stringValue?.hasPrefix("127.0.0.1:") == true)

        let users = try #require(try redis.call("acl_list", [], deadline: .after(.seconds(5))).arrayValue)
        let defaultUser = try #require(users.first { $0["user"] == "default" })
        #expect(defaultUser["enabled"] == true)
        #expect(defaultUser["nopass"] == false)
        #expect(defaultUser["passwords"] == 1)
        #expect(defaultUser["rules"]?.stringValue?.contains("#<redacted>") == true)

        let slowlog = try redis.call("slowlog", [5], deadline: .after(.seconds(5)))
        #expect(slowlog.arrayValue != nil)
        let pong = try redis.call("command", ["PING"], deadline: .after(.seconds(5)))
        #expect(pong == "PONG")
    }

    // MARK: - Secrets

    @Test func requirepassIsDescribedNeverShown() throws {
        let redis = connector()
        defer { redis.close() }
        let all = try redis.call("config_get", [], deadline: .after(.seconds(5)))
        let requirepass = try #require(all["requirepass"])
        #expect(requirepass["redacted"] == true)
        #expect(requirepass["set"] == true)
        #expect(requirepass["length"] == .int(Int64(target.password.count)))
        #expect(all["masterauth"]?["set"] == false)

        // The ACL hash of the password, as the server shows it to a raw client.
        let rawACL = try #require(RawRedis.command(port: target.port, password: target.password, ["ACL", "LIST"]))
        let hash = try #require(rawACL.split(separator: " ").first { $0.hasPrefix("#") }).dropFirst()
        #expect(hash.count == 64)

        let answers: [JSONValue] = [
            all,
            try redis.call("command", ["CONFIG", "GET", "*"], deadline: .after(.seconds(5))),
            try redis.call("command", ["ACL", "LIST"], deadline: .after(.seconds(5))),
            try redis.call("acl_list", [], deadline: .after(.seconds(5))),
            try redis.call("info", ["everything"], deadline: .after(.seconds(5))),
            try redis.call("client_list", [], deadline: .after(.seconds(5))),
            try redis.call("slowlog", [-1], deadline: .after(.seconds(5))),
            try redis.call("command", ["SLOWLOG", "GET", "-1"], deadline: .after(.seconds(5))),
        ]
        // Booleans only: a failed expectation prints its operands, and these would hold the password.
        let described = json(answers[1]).contains("\"requirepass\",{\"form\":\"plain\",\"length\":")
        #expect(described, "CONFIG GET * through `command` describes requirepass")
        for (index, answer) in answers.enumerated() {
            let text = json(answer)
            let showsPassword = text.contains(target.password)
            let showsHash = text.contains(String(hash))
            #expect(!showsPassword, "answer \(index) shows the password")
            #expect(!showsHash, "answer \(index) shows the password's hash")
        }
        let addressShowsPassword = redis.address.contains(target.password)
        #expect(!addressShowsPassword)
    }

    @Test func wrongPasswordIsDeniedWithoutEchoingIt() throws {
        let wrong = "wrong-\(UUID().uuidString)"
        let viaParameter = RedisConnector(url: target.urlWithoutPassword, password: wrong)
        let (error, _) = failure { () throws(ConnectorError) in
            try viaParameter.call("command", ["PING"], deadline: .after(.seconds(5)))
        }
        #expect(error?.kind == .denied)
        #expect(error?.message.contains("WRONGPASS") == true)
        #expect(error?.message.contains(wrong) == false)

        let viaURL = RedisConnector(url: "redis://:\(wrong)@\(target.host):\(target.port)")
        let (second, _) = failure { () throws(ConnectorError) in
            try viaURL.call("info", [], deadline: .after(.seconds(5)))
        }
        #expect(second?.kind == .denied)
        #expect(second.map { !$0.message.contains(wrong) && !"\($0)".contains(wrong) } == true)
        #expect(!viaURL.address.contains(wrong))

        let none = RedisConnector(url: target.urlWithoutPassword)
        let (third, _) = failure { () throws(ConnectorError) in try none.call("info", [], deadline: .after(.seconds(5)))
        }
        #expect(third?.kind == .denied)
        #expect(third?.message.contains("NOAUTH") == true)
    }

    // MARK: - Read-only

    @Test func writesAreRefusedBeforeReachingTheServer() throws {
        func commandstats() throws -> [String: String] {
            let text = try #require(
                RawRedis.command(port: target.port, password: target.password, ["INFO", "commandstats"]))
            var stats: [String: String] = [:]
            for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("cmdstat_") {
                let parts = line.split(separator: ":", maxSplits: 1)
                stats[String(parts[0])] = String(parts[1])
            }
            return stats
        }
        let before = try commandstats()
        #expect(before["cmdstat_auth"] != nil, "the witness connection reads commandstats")

        let redis = connector()
        defer { redis.close() }
        let refused: [[JSONValue]] = [
            ["SET", "assay:key", "value"], ["set", "assay:key", "value"], ["FLUSHALL"], ["flushdb"],
            ["CONFIG", "SET", "maxmemory", "1mb"], ["config", "rewrite"], ["CONFIG", "RESETSTAT"],
            ["DEBUG", "SLEEP", "0"],
            ["SHUTDOWN", "NOSAVE"], ["AUTH", "x"], ["EVAL", "return 1", "0"], ["ACL", "SETUSER", "x"],
            ["CLIENT", "KILL", "TYPE", "normal"], ["MONITOR"], ["CONFIG"], ["SLOWLOG", "RESET"],
        ]
        for argv in refused {
            let (error, seconds) = failure { () throws(ConnectorError) in
                try redis.call("command", argv, deadline: .after(.seconds(5)))
            }
            #expect(error?.kind == .refused, "\(argv)")
            #expect(error?.message.contains(argv[0].stringValue!.uppercased()) == true, "\(String(describing: error))")
            #expect(seconds < 0.1)
        }
        #expect(try redis.call("command", ["PING"], deadline: .after(.seconds(5))) == "PONG")

        let after = try commandstats()
        for name in [
            "cmdstat_set", "cmdstat_flushall", "cmdstat_flushdb", "cmdstat_config|set", "cmdstat_config|rewrite",
            "cmdstat_config|resetstat", "cmdstat_debug", "cmdstat_shutdown", "cmdstat_eval", "cmdstat_acl|setuser",
            "cmdstat_client|kill", "cmdstat_monitor", "cmdstat_slowlog|reset",
        ] {
            let change = "\(before[name] ?? "absent") → \(after[name] ?? "absent")"
            #expect(after[name] == before[name], "\(name) changed: \(change)")
        }
        #expect(after["cmdstat_set"] == nil)
        #expect(after["cmdstat_flushall"] == nil)
    }

    // MARK: - Server states

    @Test func renamedConfigIsDeniedAsDisabled() throws {
        let server = try RedisTestServer(["rename-command CONFIG \"\""])
        defer { server.stop() }
        let redis = RedisConnector(url: server.url)
        defer { redis.close() }
        #expect(try redis.call("command", ["PING"], deadline: .after(.seconds(5))) == "PONG")
        for (operation, arguments) in [("config_get", ["maxmemory"]), ("command", ["CONFIG", "GET", "bind"])]
            as [(String, [JSONValue])]
        {
            let (error, _) = failure { () throws(ConnectorError) in
                try redis.call(operation, arguments, deadline: .after(.seconds(5)))
            }
            #expect(error?.kind == .denied)
            #expect(
                error?.message.contains("CONFIG is disabled or renamed on this server") == true,
                "\(String(describing: error))")
        }
        #expect(
            try redis.call("command", ["PING"], deadline: .after(.seconds(5))) == "PONG",
            "a denial keeps the connection")
    }

    @Test func aclNopermIsDenied() throws {
        let server = try RedisTestServer(["user limited on >limited-pass-123 ~* -@all +ping +info"])
        defer { server.stop() }
        let redis = RedisConnector(url: "redis://limited:limited-pass-123@127.0.0.1:\(server.port)")
        defer { redis.close() }
        #expect(
            try redis.call("info", ["server"], deadline: .after(.seconds(5)))["server"]?["tcp_port"]
                == .int(Int64(server.port)))
        let (error, _) = failure { () throws(ConnectorError) in
            try redis.call("config_get", ["maxmemory"], deadline: .after(.seconds(5)))
        }
        #expect(error?.kind == .denied)
        #expect(error?.message.contains("the ACL denies CONFIG GET") == true, "\(String(describing: error))")
        #expect(error?.message.contains("limited-pass-123") == false)
        #expect(redis.address == "redis://limited@127.0.0.1:\(server.port)")
    }

    @Test func unixSocketURLsConnect() throws {
        let path = "/tmp/assay-redis-\(UUID().uuidString.prefix(8)).sock"
        defer { try? FileManager.default.removeItem(atPath: path) }  // SIGKILL leaves the socket file
        let server = try RedisTestServer(["unixsocket \(path)", "unixsocketperm 700"])
        defer { server.stop() }
        let redis = RedisConnector(url: "unix://\(path)?db=1")
        defer { redis.close() }
        #expect(redis.address == "unix://\(path)?db=1")
        let info = try redis.call("info", ["server"], deadline: .after(.seconds(5)))
        #expect(info["server"]?["tcp_port"] == .int(Int64(server.port)))
        let me = try redis.call("command", ["CLIENT", "INFO"], deadline: .after(.seconds(5)))
        #expect(me.stringValue?.contains(" db=1 ") == true, "SELECT 1 ran: \(me)")
    }

    @Test func aConnectionTheServerClosedWhileIdleIsReplacedUnseen() throws {
        let server = try RedisTestServer(["timeout 1"])
        defer { server.stop() }
        let redis = RedisConnector(url: server.url)
        defer { redis.close() }
        func clientID() throws -> String? {
            let info = try redis.call("command", ["CLIENT", "INFO"], deadline: .after(.seconds(5))).stringValue ?? ""
            return info.split(separator: " ").first { $0.hasPrefix("id=") }.map(String.init)
        }
        let first = try #require(try clientID())
        // Redis closes clients idle for more than `timeout` seconds; wait until only the witness is left.
        let start = Date()
        var clients = ""
        while Date().timeIntervalSince(start) < 6 {
            clients = try server.cli("INFO", "clients")
            let line = clients.split(whereSeparator: \.isNewline).first { $0.hasPrefix("connected_clients:") }
            if line?.trimmingCharacters(in: .whitespaces) == "connected_clients:1" { break }
            usleep(100_000)
        }
        #expect(clients.contains("connected_clients:1"), "the server did not close the idle connection")
        let second = try clientID()  // no retry in the connector: an error here would reach the check
        #expect(second != nil && second != first, "a new connection replaced the closed one (\(first) → \(second ?? "none"))")
    }

    @Test func stoppedServerTimesOutAtTheDeadline() throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let connected = RedisConnector(url: server.url)
        defer { connected.close() }
        #expect(try connected.call("command", ["PING"], deadline: .after(.seconds(5))) == "PONG")
        let fresh = RedisConnector(url: server.url)
        defer { fresh.close() }

        server.suspend()
        let budget = 0.8
        for redis in [connected, fresh] {
            let (error, seconds) = failure { () throws(ConnectorError) in
                try redis.call("info", [], deadline: .after(.milliseconds(800)))
            }
            #expect(error?.kind == .timeout, "\(String(describing: error))")
            #expect(seconds >= budget - 0.05 && seconds < budget + 1.0, "took \(seconds) s")
        }
        server.resume()
        #expect(
            try connected.call("command", ["PING"], deadline: .after(.seconds(5))) == "PONG",
            "reconnects after a timeout")
    }

    @Test func silentListenerTimesOut() throws {
        let listener = try SilentListener.tcp()
        defer { listener.stop() }
        let redis = RedisConnector(url: "redis://127.0.0.1:\(listener.port)", password: "irrelevant-secret")
        let (error, seconds) = failure { () throws(ConnectorError) in
            try redis.call("info", [], deadline: .after(.milliseconds(500)))
        }
        #expect(error?.kind == .timeout)
        #expect(seconds >= 0.45 && seconds < 1.5, "took \(seconds) s")
        #expect(error?.message.contains("irrelevant-secret") == false)
    }

    @Test func refusedPortIsUnreachableAtOnce() throws {
        let port = try freeLoopbackPort()
        let redis = RedisConnector(url: "redis://:secret-\(port)@127.0.0.1:\(port)")
        let (error, seconds) = failure { () throws(ConnectorError) in
            try redis.call("info", [], deadline: .after(.seconds(5)))
        }
        #expect(error?.kind == .unreachable)
        #expect(error?.message.contains("refused") == true, "\(String(describing: error))")
        #expect(error?.message.contains("secret-\(port)") == false)
        #expect(seconds < 0.5)
    }

    @Test func tlsURLsAreRefused() throws {
        let redis = RedisConnector(url: "rediss://:tls-secret@127.0.0.1:6380")
        let (error, _) = failure { () throws(ConnectorError) in
            try redis.call("info", [], deadline: .after(.seconds(1)))
        }
        #expect(error?.kind == .refused)
        #expect(error?.message.contains("no TLS") == true)
        #expect(!redis.address.contains("tls-secret"))
    }
}
