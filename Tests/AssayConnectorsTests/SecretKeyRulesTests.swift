import AssayCore
import AssayTestSupport
import Foundation
import Testing

@testable import AssayConnectors

/// One test per rule of ``SecretKeyRules`` and ``SecretArgumentRules``: each rule's examples are
/// secret because of that very rule; each exception's examples are not secret; and keys that only
/// look alike stay readable.
@Suite("Secret key rules")
struct SecretKeyRulesTests {
    @Test("each rule matches its examples", arguments: SecretKeyRules.rules)
    func rule(_ rule: SecretKeyRules.Rule) {
        #expect(!rule.reason.isEmpty)
        #expect(!rule.examples.isEmpty)
        for example in rule.examples {
            #expect(SecretKeyRules.isSecret(example), "\(example)")
            // The rule itself matches it (not only an earlier one).
            #expect(SecretKeyRules.matches(rule, example), "\(example) is not matched by the rule itself")
        }
    }

    @Test("each exception keeps its examples readable", arguments: SecretKeyRules.exceptions)
    func exception(_ exception: SecretKeyRules.Rule) {
        #expect(!exception.reason.isEmpty)
        for example in exception.examples {
            #expect(!SecretKeyRules.isSecret(example), "\(example)")
            #expect(SecretKeyRules.exception(for: example) != nil, "\(example)")
        }
    }

    @Test("settings about authentication are not credentials", arguments: [
        "auth_type", "auth_user", "auth_query", "auth_file", "auth_dbname", "auth_hba_file", "POSTGRES_HOST_AUTH_METHOD",
        "tls-auth-clients", "authentication_timeout", "GITHUB_OAUTH_CLIENT_ID", "NEXTAUTH_URL",
    ])
    func authenticationSettings(_ key: String) {
        #expect(!SecretKeyRules.isSecret(key))
    }

    @Test("lookalikes stay readable", arguments: [
        "BYPASS", "compass", "PWD", "OLDPWD", "PASSFILE", "krb_server_keyfile", "key", "maxmemory", "PASSIVE_MODE",
        "password_encryption", "ssl_passphrase_command_supports_reload", "sort_key_file", "TOKEN_TTL", "SECRET_NAME",
        "notify-keyspace-events", "max_connections", "SandboxID",
    ])
    func lookalikes(_ key: String) {
        #expect(!SecretKeyRules.isSecret(key))
    }

    @Test func keysAreReadAsWords() {
        #expect(SecretKeyRules.words(of: "dbPassword") == ["DB", "PASSWORD"])
        #expect(SecretKeyRules.words(of: "tls-key-file.pass") == ["TLS", "KEY", "FILE", "PASS"])
        #expect(SecretKeyRules.words(of: "--access-key") == ["ACCESS", "KEY"])
        #expect(SecretKeyRules.words(of: "com.example.db-password") == ["COM", "EXAMPLE", "DB", "PASSWORD"])
    }

    // MARK: - Arguments at fixed places

    @Test("each argument rule hides its argument", arguments: SecretArgumentRules.rules)
    func argumentRule(_ rule: SecretArgumentRules.Rule) {
        let arguments = Array(rule.example.dropFirst())
        let secret = SecretArgumentRules.secretIndexes(directive: rule.example[0], arguments: arguments)
        #expect(secret == [rule.index])
        // …and the redis.conf parser uses it.
        let text = rule.example.joined(separator: " ") + "\n"
        let parsed = try? RedisConfParser.parse(text, path: "redis-sentinel.conf")
        let json = JSONWriter().string(parsed ?? .null)
        #expect(!json.contains(arguments[rule.index]))
        #expect(json.contains("\"redacted\":true"))
    }

    @Test func otherSentinelDirectivesAreKept() {
        #expect(SecretArgumentRules.secretIndexes(directive: "sentinel", arguments: ["monitor", "mymaster", "10.0.0.5", "6379", "2"]).isEmpty)
        #expect(SecretArgumentRules.secretIndexes(directive: "sentinel", arguments: ["auth-user", "mymaster", "admin"]).isEmpty)
    }
}

extension SecretKeyRules.Rule: CustomTestStringConvertible {
    public var testDescription: String { reason }
}

extension SecretArgumentRules.Rule: CustomTestStringConvertible {
    public var testDescription: String { reason }
}

/// The rules against the real servers' own setting names: only the secret ones are secret.
@Suite("Secret key rules against the servers' settings")
struct ServerSettingNamesTests {
    @Test func postgresSettings() throws {
        let names = try Program.output("/usr/lib/postgresql/15/bin/postgres", ["--describe-config"])
            .split(separator: "\n").compactMap { $0.split(separator: "\t").first.map(String.init) }
        #expect(names.count > 250)
        #expect(names.filter(SecretKeyRules.isSecret) == ["ssl_passphrase_command"])
    }

    @Test func pgbouncerSettings() throws {
        let stack = try LiveStack.current()
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = try stack.value("ASSAY_STACK_PGBOUNCER_PASSWORD")
        let rows = try Program.output(
            "/usr/bin/psql", ["-X", "-At", "-h", "127.0.0.1", "-p", try stack.value("ASSAY_STACK_PGBOUNCER_PORT"), "-U", "assay",
                              "pgbouncer", "-c", "SHOW CONFIG"], environment: environment)
        let names = rows.split(separator: "\n").compactMap { $0.split(separator: "|").first.map(String.init) }
        #expect(names.count > 50)
        #expect(names.filter(SecretKeyRules.isSecret) == [])
    }

    @Test func redisSettings() throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let reply = try server.cli("CONFIG", "GET", "*").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let names = stride(from: 0, to: reply.count - 1, by: 2).map { reply[$0] }
        #expect(names.count > 100)
        #expect(Set(names.filter(SecretKeyRules.isSecret)) == ["requirepass", "masterauth", "tls-key-file-pass", "tls-client-key-file-pass"])
    }
}
