import AssayCore
import Testing

@testable import AssayConnectors

@Suite struct FilesRedisTests {
    func parse(_ name: String) throws -> JSONValue {
        try RedisConfParser.parse(try FilesFixture.text(name), path: name)
    }

    @Test func readsSettingsAndDirectives() throws {
        let data = try parse("redis/good.conf")
        #expect(data.at("settings", "bind") == "0.0.0.0 ::1")
        #expect(data.at("settings", "protected-mode") == "no")
        #expect(data.at("settings", "maxmemory") == "2gb")
        #expect(data.at("bytes", "maxmemory") == .int(2 << 30))
        #expect(data.at("settings", "save") == "")
        #expect(data.at("settings", "requirepass", "redacted") == true)
        #expect(data.at("settings", "requirepass", "length") == 23)
        #expect(data.at("settings", "masterauth", "set") == true)
        let saves = try #require(data.at("directives")?.arrayValue?.filter { $0.at("name") == "save" })
        #expect(saves.count == 3)
        #expect(saves[0].at("args") == ["900", "1"])
        #expect(saves[0].at("line") == 9)
        #expect(saves[2].at("args") == [""])
        #expect(data.at("renamed_commands", "config", "disabled") == false)
        #expect(data.at("renamed_commands", "flushall", "disabled") == true)
        #expect(data.at("includes", 0, "path") == "/etc/redis/extra.conf")
        #expect(data.at("users", "default", "nopass") == true)
        #expect(data.at("users", "default", "enabled") == true)
        #expect(data.at("users", "default", "rules") == ["~*", "&*", "+@all"])
        #expect(data.at("users", "app", "nopass") == false)
        #expect(data.at("users", "app", "passwords", 0, "form") == "plain")
        #expect(data.at("users", "app", "line") == 16)
    }

    @Test func readsQuotesEscapesAndAclHashes() throws {
        let data = try parse("redis/tricky.conf")
        #expect(data.at("settings", "logfile") == "/var/log/redis server.log")
        #expect(data.at("settings", "notify-keyspace-events") == "E'x")
        #expect(data.at("settings", "dir") == "/dataA\ttab")
        #expect(data.at("settings", "maxmemory") == "512m")
        #expect(data.at("bytes", "maxmemory") == 512_000_000)
        #expect(data.at("settings", "tls-key-file-pass", "redacted") == true)
        // resetpass drops the hash written before it; only the new password remains.
        #expect(data.at("users", "ops", "passwords")?.arrayValue?.count == 1)
        #expect(data.at("users", "ops", "passwords", 0, "form") == "plain")
        #expect(data.at("users", "ops", "rules") == ["-@all"])
        let user = try #require(data.at("directives")?.arrayValue?.first { $0.at("name") == "user" })
        #expect(user.at("args", 2, "form") == "sha256")
    }

    @Test func unbalancedQuotesNameTheLine() throws {
        let error = try FilesFixture.failure("redis/malformed.conf", RedisConfParser.parse)
        #expect(error?.line == 2)
        #expect(error?.message == "unbalanced quotes in configuration line")
    }

    @Test func splitsArgumentsLikeSdssplitargs() {
        #expect(RedisConfParser.splitArguments("a \"b c\" 'd e'") == ["a", "b c", "d e"])
        #expect(RedisConfParser.splitArguments("foo\"bar baz\"") == ["foobar baz"])
        #expect(RedisConfParser.splitArguments("\"closed\"x") == nil)
        #expect(RedisConfParser.memoryBytes("1kb") == 1024)
        #expect(RedisConfParser.memoryBytes("1K") == 1000)
        #expect(RedisConfParser.memoryBytes("0") == 0)
        #expect(RedisConfParser.memoryBytes("80%") == nil)
    }
}
