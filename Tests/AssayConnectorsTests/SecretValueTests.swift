import AssayCore
import Foundation
import Testing

@testable import AssayConnectors

/// URL credentials with reserved characters, redaction by context, weak values, the forms of a
/// secret and the run's registry.
@Suite("Secrets by value and by context")
struct SecretValueTests {
    // MARK: - URLs

    @Test("URL passwords with reserved characters are found", arguments: [
        ("postgres://app:ab/cd@db/app", ["ab/cd"]),
        ("postgres://app:ab#cd@db/app", ["ab#cd"]),
        ("postgres://app:ab?cd@db/app", ["ab?cd"]),
        ("postgres://app:ab@cd@db/app", ["ab@cd"]),
        ("postgres://app:ab:cd@db/app", ["ab:cd"]),
        ("postgres://app:ab%2Fcd@db/app", ["ab%2Fcd"]),
        ("DATABASE_URL=postgres://app:ab cd@db/app rest", ["ab cd"]),
        ("postgres://u:pw@h1:5432,h2:5433/db", ["pw"]),
        ("postgres://u:pw@[::1]:5432/db", ["pw"]),
        ("redis://:pw@cache:6379/0", ["pw"]),
        ("see https://TOKEN123abc@github.com/acme/app.git", ["TOKEN123abc"]),
        ("a postgres://u:p1@h/x and redis://:p2@h2", ["p1", "p2"]),
        ("postgres://assay@db/app", []),
        ("http://h3/p?u=a:b@c", []),
        ("redis://cache:6379 is watched by ops@example", []),
        ("mailto:ops@example.com", []),
    ])
    func urlPasswords(_ text: String, _ expected: [String]) {
        #expect(SecretRedaction.urlPasswords(in: text) == expected)
    }

    @Test func aWholeValueKeepsItsBlanks() {
        #expect(SecretRedaction.urlPasswords(in: "postgres://app:a b c@db/app", wholeValue: true) == ["a b c"])
        #expect(SecretRedaction.redactURL("postgres://app:a/b#c@db/app") == "postgres://app:REDACTED@db/app")
    }

    @Test("libpq gets the password percent-encoded", arguments: [
        ("postgres://u:ab/cd@h/db", "postgres://u:ab%2Fcd@h/db"),
        ("postgres://u:ab#cd@h:5432/db?sslmode=require", "postgres://u:ab%23cd@h:5432/db?sslmode=require"),
        ("postgres://u:a@b@h/db", "postgres://u:a%40b@h/db"),
        ("postgres://u:ab%zz@h/db", "postgres://u:ab%25zz@h/db"),
        ("postgres://u:p%40ss@h/db", "postgres://u:p%40ss@h/db"),
        ("postgres://u@h/db", "postgres://u@h/db"),
    ])
    func normalizedURL(_ url: String, _ expected: String) {
        #expect(LibPQTarget.normalizedURL(url) == expected)
    }

    @Test func malformedURLsAreNeverShown() {
        for url in ["postgres://leak:Mal-Formed/Pw-1@[::1/app", "postgres://leak:Mal-Formed-Pw-2@h/app?sslmode"] {
            let target = LibPQTarget(conninfo: url, password: nil)
            #expect(target.address == LibPQTarget.malformedAddress, "\(url)")
            #expect(!target.scrubber.scrub("could not parse \"\(url)\"").contains("Mal-Formed"), "\(url)")
        }
    }

    @Test func redisURLsWithReservedCharacters() throws {
        let endpoint = try RedisEndpoint.parse("redis://:ab/cd#ef@cache:6380/2", password: nil)
        #expect(endpoint.password == "ab/cd#ef")
        #expect(endpoint.location == .tcp(host: "cache", port: 6380))
        #expect(endpoint.database == 2)
        #expect(endpoint.address == "redis://cache:6380/2")
        #expect(try RedisEndpoint.parse("redis://u:a%2Fb@h", password: nil).password == "a/b")
        #expect(try RedisEndpoint.parse("redis://u:50%off!@h", password: nil).password == "50%off!")
    }

    // MARK: - Context

    @Test("secrets in password positions go", arguments: [
        ("host=h password = 'x y' dbname=a", "host=h password = [REDACTED] dbname=a"),
        ("primary_conninfo = 'host=p password=''q r'''", "primary_conninfo = 'host=p password=[REDACTED]'"),
        ("ALTER ROLE app PASSWORD 'S3cr3t-xyz';", "ALTER ROLE app PASSWORD [REDACTED];"),
        ("curl -H 'Authorization: Bearer abcdefgh12345678' http://x", "curl -H 'Authorization: Bearer [REDACTED]' http://x"),
        ("curl -H \"X-Api-Key: k-12345678\" http://x", "curl -H \"X-Api-Key: [REDACTED] http://x"),
        ("redis-server --user app on >pw-1234 ~* +@all", "redis-server --user app on >[REDACTED] ~* +@all"),
        ("DB_PW=abc JWT_SIGNING=def", "DB_PW=[REDACTED] JWT_SIGNING=[REDACTED]"),
        ("--password 'two words' --port 1", "--password [REDACTED] --port 1"),
        ("a == b, c != d, max_connections=200", "a == b, c != d, max_connections=200"),
        ("the password authentication failed", "the password authentication failed"),
        ("mounts (/srv/app-secrets/docker.sock:/run/x.sock): the container", "mounts (/srv/app-secrets/docker.sock:/run/x.sock): the container"),
    ])
    func context(_ text: String, _ expected: String) {
        #expect(ContextRedaction.redact(text) == expected)
    }

    @Test("secrets by shape go, under any name", arguments: SecretShapes.prefixRules.map(\.example) + [
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    ])
    func shapes(_ secret: String) {
        let text = "NOTE=\(secret) tail"
        #expect(ContextRedaction.redact("x " + text) == "x NOTE=[REDACTED] tail")
    }

    @Test func shapeRulesHaveReasons() {
        #expect(SecretShapes.prefixRules.allSatisfy { !$0.reason.isEmpty })
        #expect(ContextRedaction.redact("AKIA is a prefix, ghp_ too") == "AKIA is a prefix, ghp_ too")
    }

    // MARK: - Weak values

    @Test("weak values", arguments: [
        ("admin", "5 characters, fewer than 8"), ("1234", "4 characters, fewer than 8"), ("true", "4 characters, fewer than 8"),
        ("changeme", "a well-known default or common password"), ("changeme123", "a well-known default or common password"),
        ("Password1!", "a well-known default or common password"), ("postgresql", "a well-known default or common password"),
        ("aaaaaaaaaa", "a repeated character or a simple run"), ("abcdefgh", "a repeated character or a simple run"),
        ("12345678", "a well-known default or common password"),
    ])
    func weak(_ value: String, _ reason: String) {
        #expect(SecretStrength.weakness(of: value)?.description == reason)
    }

    @Test func aPasswordEqualToANameIsWeak() {
        #expect(SecretStrength.weakness(of: "app_owner_1", names: [("the user name", "APP_OWNER_1")]) == .sameAs("the user name"))
        #expect(SecretStrength.isStrong("r8Vq2-kZt9mW4x"))
        #expect(SecretStrength.isStrong("Lk09-DbPw-Q7rT2x"))
    }

    // MARK: - Forms and the registry

    @Test func everyFormOfAStrongSecretIsScrubbed() throws {
        let secret = "Sc/rub+Me?Now 42é"
        let registry = SecretRegistry()
        registry.registerCredential(secret, target: "t", source: "the URL")
        for prefix in ["", "a", "ab", "abc:"] {
            let encoded = Data(("user:" + prefix + secret + ":tail").utf8).base64EncodedString()
            #expect(registry.occurs(in: "Authorization: Basic \(encoded)"), "base64 after \(prefix.count) bytes")
            let urlSafe = encoded.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            #expect(registry.occurs(in: urlSafe), "base64url after \(prefix.count) bytes")
        }
        #expect(registry.occurs(in: "postgres://u:" + PercentEncoding.encode(secret) + "@h"))
        #expect(registry.occurs(in: "postgres://u:Sc%2frub%2bMe%3fNow%2042%c3%a9@h"))
        let json = String(decoding: try JSONEncoder().encode([secret]), as: UTF8.self)  // escapes `/` as `\/`
        #expect(registry.occurs(in: json))
        #expect(registry.occurs(in: "\"Sc/rub+Me?Now 42\\u00e9\""))
        #expect(registry.scrub("x \(secret) y") == "x REDACTED y")
        #expect(!registry.occurs(in: "Sc/rub+Me?Now 43é and other text"))
    }

    @Test func weakCredentialsAreKeptApartAndNotScrubbed() {
        let registry = SecretRegistry()
        registry.registerCredential("postgres", target: "pg", source: "the URL", names: [("the user name", "postgres")])
        registry.registerCredential("r8Vq2-kZt9mW4x", target: "pg", source: "PGPASSWORD")
        registry.registerFound("admin")
        #expect(registry.weakCredentials == [
            SecretRegistry.WeakCredential(target: "pg", source: "the URL", reason: "the same as the user name", length: 8)
        ])
        #expect(registry.values == ["r8Vq2-kZt9mW4x"])
        #expect(registry.scrub("user postgres, admin, r8Vq2-kZt9mW4x") == "user postgres, admin, REDACTED")
    }

    @Test func redactionRegistersWithTheCurrentRegistry() {
        let registry = SecretRegistry()
        let described = SecretRegistry.$current.withValue(registry) { () -> JSONValue in
            _ = TextRedaction.text("psql postgres://u:Url-Pass-4Kz9@h/db")
            _ = DockerRedaction.redactMap(["com.example.password": "Label-Pass-4Kz9"])
            return SecretRedaction.describe("Described-4Kz9")
        }
        #expect(described["redacted"] == .bool(true))
        #expect(registry.values == ["Described-4Kz9", "Label-Pass-4Kz9", "Url-Pass-4Kz9"])
        _ = SecretRedaction.describe("Outside-Any-Run-4Kz9")
        #expect(!registry.values.contains("Outside-Any-Run-4Kz9"))
    }

    @Test func theOutputScrubberLearnsFromContextThenScrubsByValue() {
        let registry = SecretRegistry()
        let scrubber = OutputScrubber(registry: registry)
        let evidence: JSONValue = ["dsn": "postgres://u:Learnt-Pw-4Kz9@h/db", "note": "rotate Learnt-Pw-4Kz9", "api_token": "Tok-4Kz9-abcd"]
        scrubber.learn(evidence, keys: true)
        let scrubbed = scrubber.scrub(evidence, keys: true)
        #expect(scrubbed["dsn"] == "postgres://u:REDACTED@h/db")
        #expect(scrubbed["note"] == "rotate REDACTED")
        #expect(scrubbed["api_token"] == "[REDACTED]")
        #expect(scrubber.scrub("title: Learnt-Pw-4Kz9", context: false) == "title: REDACTED")
    }

    /// Every byte of a file or a server may be hostile: the readers are linear, so these end at
    /// once (a quadratic reader would not end within the test run).
    @Test("hostile text is read in linear time", arguments: [
        "postgres://u:" + String(repeating: "a@", count: 100_000),
        String(repeating: "x://y:", count: 50_000),
        String(repeating: "-----BEGIN ", count: 30_000),
        "DB_PW='" + String(repeating: "a", count: 300_000),
        String(repeating: "password ", count: 40_000),
        String(repeating: "eyJ", count: 100_000),
        "--user " + String(repeating: ">", count: 300_000),
    ])
    func hostile(_ text: String) {
        let redacted = ContextRedaction.redact(text)
        #expect(redacted.utf8.count <= text.utf8.count + 20)
        let registry = SecretRegistry()
        registry.registerCredential("a@a@a@a@b-Strong-1", target: "t", source: "s")
        #expect(!registry.occurs(in: text))
    }

    @Test func theMatcherReplacesTheLongestFirst() {
        let matcher = SecretMatcher(patterns: ["abcd", "abcdef", "cde"])
        #expect(matcher.replace(in: "xabcdefy abcdz cdez", with: "_") == "x_y _z _z")
        #expect(!matcher.occurs(in: "no match here"))
    }
}
