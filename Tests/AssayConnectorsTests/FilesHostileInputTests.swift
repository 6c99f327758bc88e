import AssayCore
import Foundation
import Testing

@testable import AssayConnectors

/// Files that once crashed or hung the host: each must now end, quickly, with a parse error that
/// names its cause (or with the data, where the server accepts the file).
@Suite struct FilesHostileInputTests {
    @Test func aPortDigitWithACombiningMarkIsAnErrorNotACrash() {
        // "8\u{301}" sorts between "0" and "9" as a Character; it was taken for a digit and
        // force-unwrapped (SIGILL).
        let compose = "services:\n  web:\n    ports:\n      - \"8\u{301}:80\"\n"
        #expect(throws: ConfigParseError.self) { try ComposeParser.parse(compose, path: "compose.yaml") }
        #expect("8\u{301}".first?.isASCIIDigit == false)
        #expect(ScalarTyping.integer("8\u{301}") == nil)
    }

    @Test func deeplyNestedInterpolationIsAnErrorNotAStackOverflow() throws {
        let nested = String(repeating: "${A:-", count: 40_000) + "x" + String(repeating: "}", count: 40_000)
        let compose = "services:\n  web:\n    image: \"\(nested)\"\n"
        do {
            _ = try ComposeParser.parse(compose, path: "compose.yaml")
            Issue.record("40 000 nested defaults were accepted")
        } catch {
            #expect(error.message.contains("nested more than \(Interpolation.maxNesting) levels deep"))
            #expect(error.line == 3)
        }
        #expect(throws: ConfigParseError.self) { try DotenvParser.parse("A=\(nested)\n", path: ".env") }
        // Nesting within the budget still expands as compose does.
        let shallow = String(repeating: "${A:-", count: 8) + "x" + String(repeating: "}", count: 8)
        let data = try ComposeParser.parse("services:\n  web:\n    image: \"\(shallow)\"\n", path: "compose.yaml")
        #expect(data.at("services", "web", "image")?.stringValue == "x")
    }

    /// 50 000 unclosed `${` (found by the fuzzer: `fuzz/corpus/files.dotenv/hang-unclosed-braces.env`)
    /// were scanned to the end once each, quadratic; in `.env` they stay literal, in compose they
    /// are an error, both in linear time.
    @Test func unclosedBracesAreReadInLinearTime() throws {
        let unclosed = String(repeating: "${", count: 50_000)
        let data = try DotenvParser.parse("A=1\(unclosed)\nB=\"\(unclosed)\"\n", path: ".env")
        #expect(data.at("variables", "A")?.stringValue?.count == 100_001)
        #expect(data.at("variables", "B")?.stringValue?.count == 100_000)
        #expect(throws: ConfigParseError.self) {
            try ComposeParser.parse("services:\n  web:\n    image: \"\(unclosed)\"\n", path: "compose.yaml")
        }
    }

    /// A short file of merges of merges doubled the work per level (2^40 pairs); now the merged
    /// pairs are charged to the same budget as alias expansion.
    @Test func mergesOfMergesEndWithinTheBudget() {
        var yaml = "x-m0: &m0 {a: 1, b: 2}\n"
        for level in 1...40 { yaml += "x-m\(level): &m\(level) {<<: [*m\(level - 1), *m\(level - 1)]}\n" }
        yaml += "services:\n  web:\n    <<: *m40\n    image: busybox\n"
        #expect(yaml.utf8.count < 1500)
        do {
            _ = try ComposeParser.parse(yaml, path: "compose.yaml")
            Issue.record("an exponential merge was accepted")
        } catch {
            #expect(error.message.hasPrefix("document too large"))
        }
    }

    /// Yams hashes mapping keys whole: a key that is an alias of a doubling structure took
    /// minutes (found by the fuzzer: `fuzz/corpus/files.compose/hang-alias-key.yml`). Compose keys
    /// are strings, so a collection key is refused before Yams builds anything.
    @Test func aCollectionKeyIsRefusedBeforeItIsHashed() {
        var yaml = "x-l0: &l0 [1, 2]\n"
        for level in 1...12 { yaml += "x-l\(level): &l\(level) [*l\(level - 1), *l\(level - 1)]\n" }
        for (text, line) in [(yaml + "x-key:\n  ? *l12\n  : 1\n", 15), ("services:\n  ? [a, b]\n  : 1\n", 2)] {
            do {
                _ = try ComposeParser.parse(text, path: "compose.yaml")
                Issue.record("a collection key was accepted")
            } catch {
                #expect(error.message == "a mapping key is a list or a mapping (compose keys are strings)")
                #expect(error.line == line)
            }
        }
        // An alias of a scalar is a fine key, and the budget counts what aliases expand to.
        #expect((try? ComposeParser.parse("x-n: &n web\nservices:\n  *n :\n    image: busybox\n", path: "c.yaml")) != nil)
        // Each *l12 stands for 8 191 nodes: a dozen of them pass the 100 000-node budget.
        let copies = (1...12).map { "x-b\($0): *l12\n" }.joined()
        #expect(throws: ConfigParseError.self) { try ComposeParser.parse(yaml + copies, path: "compose.yaml") }
    }

    /// Compose reads 70-deep extension blocks; so does Assay (up to 200 levels, then an error).
    @Test func deepExtensionsParseAndTheDepthBudgetHolds() throws {
        func nested(_ depth: Int) -> String {
            var yaml = "x-deep:\n"
            for level in 1...depth { yaml += String(repeating: "  ", count: level) + "k\(level):\n" }
            yaml += String(repeating: "  ", count: depth + 1) + "leaf: 1\nservices:\n  web:\n    image: busybox\n"
            return yaml
        }
        let data = try ComposeParser.parse(nested(70), path: "compose.yaml")
        #expect(data.at("services", "web", "image")?.stringValue == "busybox")
        #expect(throws: ConfigParseError.self) { try ComposeParser.parse(nested(300), path: "compose.yaml") }
    }

    @Test func theMessageOfARequiredVariableIsNotRepeated() {
        let compose = "services:\n  web:\n    image: \"${TOKEN:?ask ops for s3cr3t-hunter2}\"\n"
        do {
            _ = try ComposeParser.parse(compose, path: "compose.yaml")
            Issue.record("a missing required variable was accepted")
        } catch {
            #expect(error.message == "required variable TOKEN is missing a value")
            #expect(!error.description.contains("hunter2"))
        }
    }

    /// Continued blank lines after a rule (found by the fuzzer:
    /// `fuzz/corpus/files.hba/hang-continued-blank-lines.conf`) were quadratic: the growing line
    /// was searched again for its first character at each continuation.
    @Test func continuedBlankLinesAreLinear() throws {
        let text = "host all all 127.0.0.1/32 trust\n" + String(repeating: " \\\n", count: 100_000) + "\n"
        let data = try HbaParser.parse(text, path: "pg_hba.conf")
        #expect(data["rules"]?.arrayValue?.count == 1)
    }

    @Test func aContinuedPgHbaLineWithinAQuoteIsStillOneRule() throws {
        let data = try HbaParser.parse("host \"all\" all \\\n 127.0.0.1/32 trust\n", path: "pg_hba.conf")
        #expect(data.at("rules", 0, "address")?.stringValue == "127.0.0.1/32")
    }

    // MARK: - Reading files safely

    @Test func aFifoIsSkippedWithoutBeingOpenedForReading() throws {
        let root = try FilesFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(mkfifo(root + "/redis.conf", 0o644) == 0)
        try FileManager.default.createDirectory(atPath: root + "/pool", withIntermediateDirectories: true)
        #expect(symlink("../redis.conf", root + "/pool/pgbouncer.ini") == 0)
        try FilesFixture.write("[pgbouncer]\nlisten_port = 6432\n", to: root + "/other/pgbouncer.ini")

        let files = FilesConnector(root: root)
        let redis = try files.call("configs", ["redis"], deadline: .after(.seconds(5)))
        #expect(redis.at(0, "error", "message")?.stringValue == "not a regular file (fifo): skipped, not read")
        #expect(redis.at(0, "meta", "type")?.stringValue == "fifo")
        let pools = try files.call("configs", ["pgbouncer"], deadline: .after(.seconds(5)))
        #expect(pools.arrayValue?.count == 2)
        #expect(pools.at(0, "data", "pgbouncer", "listen_port")?.intValue == 6432)
        #expect(pools.at(1, "error", "message")?.stringValue == "not a regular file (fifo): skipped, not read")
    }

    /// A ConfigMap mount: `redis.conf` → `..data/redis.conf`, `..data` → `..2026_12_04_…/`.
    @Test func aKubernetesConfigMapIsReadOnce() throws {
        let root = try FilesFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let version = "..2026_12_04_10_00_00.123456789"
        try FilesFixture.write("port 6380\n", to: root + "/" + version + "/redis.conf")
        #expect(symlink(version, root + "/..data") == 0)
        #expect(symlink("..data/redis.conf", root + "/redis.conf") == 0)
        // A file only in the versioned folder (no link to it) is still found.
        try FilesFixture.write("A=1\n", to: root + "/" + version + "/.env")

        let listing = try FilesConnector(root: root).call("list", [], deadline: .after(.seconds(5)))
        let paths = listing.arrayValue?.compactMap { $0["path"]?.stringValue }
        #expect(paths == [version + "/.env", "redis.conf"])
    }

    // MARK: - Accepting what the servers accept

    @Test func postgresqlConfNamesMayHoldNonASCIILetters() throws {
        let text = "myext.größe = 5\n_private.flag = on\nwork_mem = '8MB'\n"
        let data = try PostgresConfParser.parse(text, path: "postgresql.conf")
        #expect(data.at("settings", "myext.größe") != nil)
        #expect(data.at("settings", "work_mem") != nil)
        if let accepted = RealServers.postgresAccepts(text) { #expect(accepted) }
        let bad = "work_mem = '8MB'\nbad line here\n"
        #expect(throws: ConfigParseError.self) { try PostgresConfParser.parse(bad, path: "postgresql.conf") }
        if let accepted = RealServers.postgresAccepts(bad) { #expect(!accepted) }
        // A non-ASCII digit is no octal digit in a quoted escape.
        let escaped = try PostgresConfParser.parse("a.b = 'x\\٣y'\n", path: "postgresql.conf")
        #expect(escaped.at("settings", "a.b", "value")?.stringValue == "x٣y")
    }

    /// Line by line, Assay's postgresql.conf tokens are PostgreSQL's: each case says what
    /// `postgres -C` (15) answered, and the test asks the binary again where the machine has it.
    /// (`x.y` names are custom placeholders, so PostgreSQL judges only the syntax.)
    @Test func postgresqlConfSyntaxAgreesWithPostgres() {
        let accepted = [
            "x.y = '1.5GB'", "x.y = 0x1F", "x.y = 0x1Fkb", "x.y = -1", "x.y = +1", "x.y = 1.5e-3", "x.y = .5",
            "x.y = 5.", "x.y = on", "x.y = scram-sha-256", "x.y = 1 # comment", "x.y = foo:bar/baz", "x.y = 30s",
            "x.y = 15min", "x.y = größe", "x.y 'v'", "x.y = _under", "x.y = 'it''s'", "x.y = 'a\\'b'",
        ]
        let refused = [
            "x.y = 1.5GB", "x.y = /var/lib", "x.y = 1e5", "x.y = 'unterminated", "x.y = a b", "x.y", "x.y = 1:2",
            "x.y = $1", "x.y.z = 1", "x.y = -", "x.y = a$b", "x$y.z = 1", "x.y = 1.5.6", "x.y = 10kB5", "x.y == 1",
            "x.y = ,", "work-mem = 1",
        ]
        for (lines, expected) in [(accepted, true), (refused, false)] {
            for line in lines {
                let assay = (try? PostgresConfParser.parse(line + "\n", path: "postgresql.conf")) != nil
                #expect(assay == expected, "Assay \(assay ? "accepts" : "refuses") \(line)")
                if let postgres = RealServers.postgresAccepts(line + "\n") {
                    #expect(postgres == expected, "postgres \(postgres ? "accepts" : "refuses") \(line)")
                }
            }
        }
    }

    /// Every value redis-server 7 loads, and none it refuses, becomes a byte count.
    @Test func redisMemoryValuesAgreeWithRedisServer() throws {
        let cases: [(String, Int64?)] = [
            ("1gb", 1 << 30), ("1GB", 1 << 30), ("1g", 1_000_000_000), ("b", 0), ("kb", 0), ("0100", 100),
            ("18446744073709551615", .max), ("+100", nil), ("-1", nil), ("1.5gb", nil), ("1tb", nil), ("5%", nil),
        ]
        for (text, bytes) in cases {
            #expect(RedisConfParser.memoryBytes(text) == bytes, "\(text)")
            if let accepted = RealServers.redisAccepts("maxmemory \(text)\n") {
                #expect(accepted == (bytes != nil), "redis-server and Assay disagree on maxmemory \(text)")
            }
        }
    }

    @Test func aNulEndsPgbouncerIniAsItEndsItForPgBouncer() throws {
        let text = "[pgbouncer]\nlisten_port = 6432\n\0 garbage ][ = \n"
        let data = try PgBouncerIniParser.parse(text, path: "pgbouncer.ini")
        #expect(data.at("pgbouncer", "listen_port")?.intValue == 6432)
    }

    /// compose-go's `.env` forms: `KEY: value`, names in any script and with `[ ]`, a bare name.
    @Test func dotenvFormsComposeAccepts() throws {
        let data = try DotenvParser.parse("A: b\nINHERITED\nÜBER=1\nKEY[0]=x\n1ST=y\nexport  E=z\n", path: ".env")
        #expect(data.at("variables", "A")?.stringValue == "b")
        #expect(data.at("variables", "ÜBER")?.stringValue == "1")
        #expect(data.at("variables", "KEY[0]")?.stringValue == "x")
        #expect(data.at("variables", "1ST")?.stringValue == "y")
        #expect(data.at("variables", "E")?.stringValue == "z")
        #expect(data.at("variables", "INHERITED") == nil)
        #expect(throws: ConfigParseError.self) { try DotenvParser.parse("A B=c\n", path: ".env") }
    }
}

/// The real servers' own verdict on a configuration file, where this machine has the binary
/// (nil when it does not: the test then checks Assay's side only).
enum RealServers {
    /// `postgres -D DIR -C work_mem` reads `DIR/postgresql.conf` and exits 0 only if it parses.
    static func postgresAccepts(_ text: String) -> Bool? {
        let binary = "/usr/lib/postgresql/15/bin/postgres"
        guard FileManager.default.isExecutableFile(atPath: binary), let folder = try? FilesFixture.temporaryFolder()
        else { return nil }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard (try? FilesFixture.write(text, to: folder + "/postgresql.conf")) != nil else { return nil }
        chmod(folder, 0o755)
        chmod(folder + "/postgresql.conf", 0o644)
        // postgres refuses to run as root.
        let command = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", binary] : [binary]
        return run(command + ["-D", folder, "-C", "work_mem"]).status == 0
    }

    /// redis-server loads the file (told not to listen, so it exits right after): "Configuration
    /// loaded" when it took the file, "FATAL CONFIG FILE ERROR" when not.
    static func redisAccepts(_ text: String) -> Bool? {
        guard let binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }), let folder = try? FilesFixture.temporaryFolder() else { return nil }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard (try? FilesFixture.write(text, to: folder + "/redis.conf")) != nil else { return nil }
        let output = run([binary, folder + "/redis.conf", "--port", "0", "--save", "", "--daemonize", "no"]).output
        if output.contains("FATAL CONFIG FILE ERROR") { return false }
        return output.contains("Configuration loaded") ? true : nil
    }

    private static func run(_ command: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        guard (try? process.run()) != nil else { return (-1, "") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
