import AssayCore
import Testing

@testable import AssayConnectors

@Suite struct FilesHbaTests {
    @Test func readsRulesAddressesAndOptions() throws {
        let data = try HbaParser.parse(try FilesFixture.text("hba/good.conf"), path: "pg_hba.conf")
        let rules = try #require(data.at("rules")?.arrayValue)
        #expect(rules.count == 12)

        #expect(rules[0].at("type") == "local")
        #expect(rules[0].at("method") == "peer")
        #expect(rules[0].at("address") == nil)
        #expect(rules[1].at("method") == "trust")
        #expect(rules[1].at("line") == 3)

        #expect(rules[2].at("address") == "127.0.0.1/32")
        #expect(rules[2].at("family") == "ipv4")
        #expect(rules[2].at("prefix") == 32)
        #expect(rules[3].at("address") == "::1/128")
        #expect(rules[3].at("family") == "ipv6")
        #expect(rules[3].at("prefix") == 128)

        #expect(rules[4].at("database") == ["app", "reporting"])
        #expect(rules[4].at("user") == ["app", "reporter"])
        #expect(rules[4].at("method") == "md5")

        #expect(rules[5].at("type") == "hostssl")
        #expect(rules[5].at("prefix") == 0)
        #expect(rules[5].at("options", "clientcert") == "verify-full")

        #expect(rules[6].at("database") == ["all"])
        #expect(rules[6].at("user") == ["my user"])
        #expect(rules[6].at("netmask") == "255.255.255.0")
        #expect(rules[6].at("prefix") == 24)
        #expect(rules[6].at("method") == "password")

        #expect(rules[7].at("address") == "fe80::/10")
        #expect(rules[7].at("method") == "trust")
        #expect(rules[8].at("address_kind") == "keyword")
        #expect(rules[9].at("address_kind") == "hostname")
        #expect(rules[9].at("options", "ldapserver") == "ldap.example.com")
        #expect(rules[9].at("options", "ldapbindpasswd", "redacted") == true)
        #expect(rules[10].at("address") == "all")
        #expect(rules[10].at("method") == "reject")

        // A continued line counts from its first line.
        #expect(rules[11].at("type") == "hostnogssenc")
        #expect(rules[11].at("line") == 13)
        #expect(rules[11].at("method") == "scram-sha-256")
        #expect(data.at("includes", 0, "path") == "extra_hba.conf")
    }

    @Test func malformedRulesNameTheirLine() throws {
        let badType = try FilesFixture.failure("hba/bad-type.conf", HbaParser.parse)
        #expect(badType?.line == 2)
        #expect(badType?.message.hasPrefix("invalid connection type") == true)
        let noMethod = try FilesFixture.failure("hba/missing-method.conf", HbaParser.parse)
        #expect(noMethod?.line == 2)
        #expect(noMethod?.message == "end-of-line before authentication method")
        let badMask = try FilesFixture.failure("hba/bad-mask.conf", HbaParser.parse)
        #expect(badMask?.line == 3)
    }

    @Test func netmasksBecomePrefixes() {
        #expect(HbaParser.maskBits("255.255.0.0")?.ones == 16)
        #expect(HbaParser.maskBits("255.255.0.0")?.contiguous == true)
        #expect(HbaParser.maskBits("ffff:ffff::")?.ones == 32)
        #expect(HbaParser.maskBits("not-a-mask") == nil)
    }

    /// PostgreSQL takes a mask that is not contiguous (it compares address & mask); so does Assay,
    /// saying so in the rule.
    @Test func nonContiguousNetmasksAreAccepted() throws {
        let data = try HbaParser.parse("host all all 10.0.0.0 255.0.255.0 scram-sha-256\n", path: "pg_hba.conf")
        let rule = data["rules"]?.arrayValue?.first
        #expect(rule?["prefix"]?.intValue == 16)
        #expect(rule?["contiguous_mask"]?.boolValue == false)
        #expect(rule?["netmask"]?.stringValue == "255.0.255.0")
    }

    /// A `\` on the last line continues into the end of the file: the line stands as it is.
    @Test func aContinuationAtTheEndOfTheFileIsTheLastLine() throws {
        let data = try HbaParser.parse("local all all peer\nhost all all 127.0.0.1/32 trust \\", path: "pg_hba.conf")
        #expect(data["rules"]?.arrayValue?.count == 2)
        #expect(data["rules"]?.arrayValue?.last?["method"]?.stringValue == "trust")
    }

    /// 200 000 continued lines are one rule, read in linear time (quadratic before: it did not end).
    @Test func manyContinuedLinesAreLinear() throws {
        let text = "host all all 127.0.0.1/32 \\\n" + String(repeating: " \\\n", count: 200_000) + "trust\n"
        let data = try HbaParser.parse(text, path: "pg_hba.conf")
        #expect(data["rules"]?.arrayValue?.first?["method"]?.stringValue == "trust")
        #expect(data["rules"]?.arrayValue?.first?["line"]?.intValue == 1)
    }
}
