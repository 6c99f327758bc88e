import AssayCore
import Testing

@testable import AssayConnectors

/// The Redis connector's pure parts: URLs, the allowlist, reply parsing and redaction.
@Suite("Redis parsing")
struct RedisParsingTests {
    // MARK: - URLs

    @Test func urlsParseWithoutShowingThePassword() throws {
        let full = try RedisEndpoint.parse("redis://:p%40ss+word@127.0.0.1:6380/2", password: nil)
        #expect(full.location == .tcp(host: "127.0.0.1", port: 6380))
        #expect(full.password == "p@ss+word")
        #expect(full.user == nil)
        #expect(full.database == 2)
        #expect(full.address == "redis://127.0.0.1:6380/2")

        let user = try RedisEndpoint.parse("redis://monitor:pw@[::1]/", password: nil)
        #expect(user.location == .tcp(host: "::1", port: 6379))
        #expect(user.user == "monitor")
        #expect(user.database == nil)
        #expect(user.address == "redis://monitor@[::1]:6379")

        let overridden = try RedisEndpoint.parse("REDIS://cache.internal", password: "given")
        #expect(overridden.location == .tcp(host: "cache.internal", port: 6379))
        #expect(overridden.password == "given")

        let socket = try RedisEndpoint.parse("unix:///run/redis/redis.sock?db=3", password: nil)
        #expect(socket.location == .unix(path: "/run/redis/redis.sock"))
        #expect(socket.database == 3)
        #expect(socket.address == "unix:///run/redis/redis.sock?db=3")
    }

    @Test func badURLsFailWithoutEchoingThem() {
        for url in [
            "redis://:topsecret@host:notaport", "http://:topsecret@host", "redis://:topsecret@host/x", "unix://rel",
        ] {
            do {
                _ = try RedisEndpoint.parse(url, password: nil)
                Issue.record("\(url) parsed")
            } catch {
                #expect(error.kind == .failed)
                #expect(!error.message.contains("topsecret"))
            }
        }
        do {
            _ = try RedisEndpoint.parse("rediss://:topsecret@host:6380", password: nil)
            Issue.record("rediss parsed")
        } catch {
            #expect(error.kind == .refused)
            #expect(error.message.contains("hiredis 0.14"))
            #expect(!error.message.contains("topsecret"))
        }
        let connector = RedisConnector(url: "redis://:topsecret@host:notaport")
        #expect(!connector.address.contains("topsecret"))
    }

    // MARK: - Allowlist

    @Test func allowlistIsCaseInsensitiveAndChecksSubcommands() {
        let allowed: [[String]] = [
            ["info"], ["INFO", "memory"], ["config", "get", "maxmemory"], ["Client", "List"],
            ["memory", "malloc-stats"],
            ["acl", "whoami"], ["slowlog", "len"], ["latency", "history", "command"], ["command", "docs", "get"],
            ["cluster", "info"], ["module", "list"], ["ping"], ["time"], ["lastsave"], ["dbsize"], ["role"],
        ]
        for argv in allowed {
            #expect(throws: Never.self, "\(argv)") { try RedisCommandPolicy.check(argv) }
        }
        let refused: [[String]] = [
            ["SET", "k", "v"], ["config", "set", "maxmemory", "1"], ["CONFIG", "REWRITE"], ["CONFIG"], [],
            [""], ["client", "kill", "id", "1"], ["COMMAND"], ["memory", "usage", "k"], ["acl", "getuser", "default"],
            ["acl", "setuser", "x"], ["sentinel", "masters"], ["debug", "object", "k"], ["shutdown"], ["auth", "pw"],
            ["eval", "return 1", "0"], ["script", "load", "x"], ["function", "list"], ["keys", "*"], ["get", "k"],
            ["subscribe", "c"], ["monitor"], ["save"], ["bgsave"], ["replicaof", "no", "one"],
            ["client", "pause", "1"],
        ]
        for argv in refused {
            do {
                try RedisCommandPolicy.check(argv)
                Issue.record("\(argv) allowed")
            } catch {
                #expect(error.kind == .refused)
                if let first = argv.first, !first.isEmpty { #expect(error.message.contains(first.uppercased())) }
            }
        }
    }

    // MARK: - INFO

    static let infoText = [
        "# Server", "redis_version:7.0.15", "redis_git_sha1:00000000", "redis_build_id:1234567890123456",
        "arch_bits:64", "run_id:0123456789012345678901234567890123456789", "", "# Memory", "used_memory:1043560",
        "used_memory_human:1019.10K", "mem_fragmentation_ratio:4.53", "maxmemory_policy:noeviction", "",
        "# Keyspace", "db0:keys=1,expires=0,avg_ttl=0", "", "# Commandstats",
        "cmdstat_info:calls=3,usec=120,usec_per_call=40.00,rejected_calls=0,failed_calls=0",
        "cmdstat_client|list:calls=1,usec=9,usec_per_call=9.00,rejected_calls=0,failed_calls=0", "", "# Modules", "",
    ].joined(separator: "\r\n")

    @Test func infoIsParsedAndTyped() {
        let info = RedisReplies.info(Self.infoText)
        #expect(info["server"]?["redis_version"] == "7.0.15")
        #expect(info["server"]?["redis_git_sha1"] == "00000000")
        #expect(info["server"]?["redis_build_id"] == "1234567890123456")
        #expect(info["server"]?["run_id"] == "0123456789012345678901234567890123456789")
        #expect(info["server"]?["arch_bits"] == 64)
        #expect(info["memory"]?["used_memory"] == 1_043_560)
        #expect(info["memory"]?["used_memory_human"] == "1019.10K")
        #expect(info["memory"]?["mem_fragmentation_ratio"] == .double(4.53))
        #expect(info["keyspace"]?["db0"] == ["keys": 1, "expires": 0, "avg_ttl": 0])
        #expect(info["commandstats"]?["cmdstat_info"]?["usec_per_call"] == .double(40))
        #expect(info["commandstats"]?["cmdstat_client|list"]?["calls"] == 1)
        #expect(info["modules"] == .object([:]))
    }

    @Test func scalarsAreTypedConservatively() {
        let cases: [(String, JSONValue)] = [
            ("0", 0), ("-1", -1), ("42", 42), ("1.5", .double(1.5)), ("0.00", .double(0)), ("007", "007"),
            ("1.", "1."), (".5", ".5"), ("1e5", "1e5"), ("inf", "inf"), ("nan", "nan"), ("-", "-"), ("", ""),
            ("99999999999999999999", "99999999999999999999"), ("7.0.15", "7.0.15"), ("1.02M", "1.02M"), ("ok", "ok"),
        ]
        for (text, expected) in cases { #expect(RedisReplies.scalar(text) == expected, "\(text)") }
    }

    // MARK: - Other replies

    @Test func clientListRowsAreTyped() {
        let text =
            "id=14 addr=127.0.0.1:54858 laddr=127.0.0.1:57313 fd=7 name= age=0 idle=0 flags=N db=0 "
            + "multi=-1 qbuf=26 events=r cmd=client|list user=default redir=-1 resp=2\n"
        let rows = RedisReplies.clientList(text).arrayValue ?? []
        #expect(rows.count == 1)
        #expect(rows.first?["id"] == 14)
        #expect(rows.first?["multi"] == -1)
        #expect(rows.first?["name"] == "")
        #expect(rows.first?["addr"] == "127.0.0.1:54858")
        #expect(rows.first?["cmd"] == "client|list")
    }

    @Test func aclRulesLoseHashesAndPasswords() {
        let hash = String(repeating: "ab", count: 32)
        let reply = RedisReply.array([
            .string("user default on #\(hash) ~* &* +@all"),
            .string("user open on nopass ~* +@all"),
            .string("user old off >plaintext <gone !\(hash) -@all"),
        ])
        let users = RedisReplies.aclList(reply).arrayValue ?? []
        #expect(users.count == 3)
        #expect(
            users[0] == [
                "user": "default", "enabled": true, "nopass": false, "passwords": 1,
                "rules": "on #<redacted> ~* &* +@all",
            ])
        #expect(users[1]["nopass"] == true)
        #expect(users[2]["enabled"] == false)
        #expect(users[2]["rules"] == "off ><redacted> <<redacted> !<redacted> -@all")
        let raw = RedisRedaction.redact(reply: reply.json, of: ["acl", "list"])
        #expect(!JSONWriter().string(raw).contains(hash))
        #expect(!JSONWriter().string(raw).contains("plaintext"))
    }

    @Test func configSecretsAreDescribed() {
        let map: [String: JSONValue] = [
            "requirepass": "", "masterauth": "hunter22", "masteruser": "replicator", "tls-key-file-pass": "k",
            "maxmemory": "0", "tls-key-file": "/etc/redis/key.pem",
        ]
        let redacted = RedisRedaction.redactConfig(map)
        #expect(redacted["requirepass"]?["set"] == false)
        #expect(redacted["masterauth"] == SecretRedaction.describe("hunter22"))
        #expect(redacted["tls-key-file-pass"]?["redacted"] == true)
        #expect(redacted["masteruser"] == "replicator")
        #expect(redacted["maxmemory"] == "0")
        #expect(redacted["tls-key-file"] == "/etc/redis/key.pem")
        let raw = RedisRedaction.redact(
            reply: ["masterauth", "hunter22", "maxmemory", "0"], of: ["CONFIG", "get", "*"])
        #expect(raw == ["masterauth", SecretRedaction.describe("hunter22"), "maxmemory", "0"])
    }

    @Test func slowlogArgumentsLosePasswords() {
        let r = RedisRedaction.placeholder
        let cases: [([String], [String])] = [
            (["AUTH", "user", "pw"], ["AUTH", r, r]),
            (["auth", "pw"], ["auth", r]),
            (["HELLO", "3", "AUTH", "user", "pw", "SETNAME", "x"], ["HELLO", "3", "AUTH", "user", r, "SETNAME", "x"]),
            (
                ["CONFIG", "SET", "requirepass", "pw", "maxmemory", "1mb"],
                ["CONFIG", "SET", "requirepass", r, "maxmemory", "1mb"]
            ),
            (
                ["MIGRATE", "h", "6379", "", "0", "5000", "AUTH2", "u", "pw", "KEYS", "k"],
                ["MIGRATE", "h", "6379", "", "0", "5000", "AUTH2", "u", r, "KEYS", "k"]
            ),
            (["ACL", "SETUSER", "bob", "on", ">pw", "~*"], ["ACL", "SETUSER", "bob", "on", ">\(r)", "~*"]),
            (["GET", "key"], ["GET", "key"]),
        ]
        for (args, expected) in cases { #expect(RedisRedaction.redactCommandArguments(args) == expected) }
        let entry = RedisReply.array([
            .array([
                .integer(7), .integer(1_700_000_000), .integer(12000), .array([.string("AUTH"), .string("pw")]),
                .string("127.0.0.1:5000"), .string(""),
            ])
        ])
        #expect(
            RedisReplies.slowlog(entry) == [
                [
                    "id": 7, "timestamp": 1_700_000_000, "duration_us": 12000, "args": ["AUTH", .string(r)],
                    "client": "127.0.0.1:5000", "client_name": "",
                ]
            ])
    }

    @Test func rolesAreNamed() {
        let replica = RedisReply.array([
            .string("slave"), .string("10.0.0.1"), .integer(6379), .string("connected"),
            .integer(3_167_038),
        ])
        #expect(
            RedisReplies.role(replica) == [
                "role": "slave", "master_host": "10.0.0.1", "master_port": 6379, "state": "connected",
                "replication_offset": 3_167_038,
            ])
        let master = RedisReply.array([
            .string("master"), .integer(3_129_659),
            .array([
                .array([.string("127.0.0.1"), .string("9001"), .string("3129242")])
            ]),
        ])
        #expect(RedisReplies.role(master)["replicas"] == [["ip": "127.0.0.1", "port": 9001, "offset": 3_129_242]])
    }
}
