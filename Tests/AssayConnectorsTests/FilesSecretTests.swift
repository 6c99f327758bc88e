import AssayCore
import Foundation
import Testing

@testable import AssayConnectors

/// No secret from a configuration file reaches a check: every parser's output and every parse
/// error of the fixtures is serialised and searched for the fixtures' distinctive secrets.
@Suite struct FilesSecretTests {
    /// Every secret written in the fixtures (or a distinctive part of it).
    static let secrets = [
        "Pgb-Db-S3cret-77a1", "S3cret with spaces", "slash-Pgb-Secret", "Unterminated-Pgb-Secret-9",
        "a1b2c3d4e5f60718293a4b5c6d7e8f90", "Plain-Userlist-Pw-5512", "c3RvcmVkS2V5", "Plain-Unquoted-Pw-6613",
        "Redis-Require-Pass-3141", "Redis-Master-Auth-2718", "Renamed-Config-Cmd-42", "Acl-User-Pass-1618",
        "e3b0c44298fc1c149afbf4c8996fb924", "Reset-Then-New-Pass-5", "Tls-Key-File-Pass-404",
        "Unbalanced-Redis-Pass-11", "Pg-Conninfo-Pass-8080", "Hba-Ldap-Bind-Pw-99",
        "Dotenv-Strong-Secret-X9q2", "Url-Pass-In-Env-31", "Multi-Line-Secret-Line1", "Unterminated-Dotenv-Secret-12",
        "Compose-Env-Secret-44", "Redis-From-Env-Secret-45", "Anchor-Secret-88", "Npm-Token-Secret-99",
        "Compose-Inline-Secret-55", "Compose-Health-Pass-77", "Compose-Cmd-Pass-66", "Malformed-Compose-Secret-21",
    ]

    typealias Parse = @Sendable (String, String) throws(ConfigParseError) -> JSONValue

    static let parsers: [String: Parse] = [
        "pgbouncer": PgBouncerIniParser.parse, "userlist": UserlistParser.parse, "redis": RedisConfParser.parse,
        "postgresql": PostgresConfParser.parse, "hba": HbaParser.parse, "dotenv": DotenvParser.parse,
    ]

    /// Everything the parsers say about every fixture: outputs as JSON, errors as `path:line: message`.
    static func everything() throws -> (text: String, outputs: Int, errors: Int) {
        var text = ""
        var outputs = 0
        var errors = 0
        func record(_ result: () throws(ConfigParseError) -> JSONValue) {
            do {
                text += JSONWriter().string(try result()) + "\n"
                outputs += 1
            } catch {
                text += error.description + "\n"
                errors += 1
            }
        }
        let manager = FileManager.default
        for (folder, parse) in parsers {
            for name in try manager.contentsOfDirectory(atPath: FilesFixture.directory + "/" + folder) {
                let path = folder + "/" + name
                let content = try FilesFixture.text(path)
                record { () throws(ConfigParseError) in try parse(content, path) }
            }
        }
        for project in try manager.contentsOfDirectory(atPath: FilesFixture.directory + "/compose") {
            let folder = "compose/" + project
            let names = try manager.contentsOfDirectory(atPath: FilesFixture.directory + "/" + folder)
            let dotenv =
                names.contains(".env")
                ? try DotenvParser.read(try FilesFixture.text(folder + "/.env"), path: ".env") : nil
            for name in names where name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
                let content = try FilesFixture.text(folder + "/" + name)
                record { () throws(ConfigParseError) in
                    try ComposeParser.parse(content, path: name, dotenv: dotenv, dotenvPath: ".env")
                }
            }
        }
        return (text, outputs, errors)
    }

    @Test func fixturesReallyHoldTheSecrets() throws {
        var all = ""
        let enumerator = FileManager.default.enumerator(atPath: FilesFixture.directory)!
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = FilesFixture.directory + "/" + name
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                all += try String(contentsOfFile: path, encoding: .utf8)
            }
        }
        for secret in Self.secrets {
            #expect(all.contains(secret), "fixture secret \(secret) is not in any fixture")
        }
    }

    @Test func noSecretInAnyOutputOrError() throws {
        let (text, outputs, errors) = try Self.everything()
        #expect(outputs == 9)
        #expect(errors == 15)
        // Only indexes are reported, so that a failure does not print the secret it found.
        let leaked = Self.secrets.indices.filter { text.contains(Self.secrets[$0]) }
        #expect(leaked == [], "indexes into `secrets` of the secrets that leaked")
        let described = text.contains("\"redacted\":true")
        #expect(described)
    }

    @Test func scrubberRemovesSecretsFromText() {
        #expect(TextRedaction.text("psql postgres://u:pw@db/app") == "psql postgres://u:REDACTED@db/app")
        #expect(TextRedaction.text("host=db password=hunter22 user=x") == "host=db password=[REDACTED] user=x")
        #expect(TextRedaction.text("PGPASSWORD=x psql -h db") == "PGPASSWORD=[REDACTED] psql -h db")
        #expect(
            TextRedaction.text("redis-server --requirepass abc --port 1")
                == "redis-server --requirepass [REDACTED] --port 1")
        #expect(TextRedaction.text("redis-cli -a abc ping") == "redis-cli -a [REDACTED] ping")
        #expect(TextRedaction.text("tar -a -c x") == "tar -a -c x")
        #expect(TextRedaction.text("psql --no-password -h db") == "psql --no-password -h db")
        #expect(
            TextRedaction.arguments(["redis-cli", "-a", "abc", "ping"]) == ["redis-cli", "-a", "[REDACTED]", "ping"])
        #expect(TextRedaction.text("max_connections=200") == "max_connections=200")
        #expect(
            TextRedaction.text("app --api-key K3Y --access-key=K3Y")
                == "app --api-key [REDACTED] --access-key=[REDACTED]")
        #expect(
            TextRedaction.arguments(["--requirepass", "two words here", "--port", "1"])
                == ["--requirepass", "[REDACTED]", "--port", "1"])
        #expect(TextRedaction.arguments(["--password", "--no-such", "x"]) == ["--password", "--no-such", "x"])
    }

    @Test func hyphenatedKeysAreSecretLikeUnderscored() {
        for key in ["api-key", "--access-key", "tls-key-file-pass", "requirepass", "Private-Key", "ssl_passphrase_command"] {
            #expect(SecretRedaction.isSecretKey(key), "\(key)")
        }
        for key in ["password-file", "password-encryption", "ssl_passphrase_command_supports_reload", "maxmemory"] {
            #expect(!SecretRedaction.isSecretKey(key), "\(key)")
        }
    }
}
