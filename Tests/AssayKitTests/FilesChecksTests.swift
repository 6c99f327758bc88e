import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// The built-in file checks (`checks/files`): each has a failing and a passing example with exact
/// findings (`checks/files/<id>.test/`, run by `BuiltinExamplesTests`), and here all of them on a folder without their files, on malformed files and on
/// `examples/sample-stack`. No live stack needed.
@Suite struct FilesChecksTests {
    // MARK: - Running checks

    /// Every file check, by id, from its file name: `compose-privileged.lua` → `COMPOSE-PRIVILEGED`.
    static let ids: [String] = {
        let folder = RepositoryPaths.root.appendingPathComponent("checks/files").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".lua") }.map { String($0.dropLast(4)).uppercased() }.sorted()
    }()

    /// The findings of `ids` on a folder. Findings of other checks are left out: a check file of
    /// another kind that does not load is reported under its own id, not under these.
    static func findings(_ ids: [String], at path: String, inputs: [String: JSONValue] = [:]) throws -> [Finding] {
        let target = TargetConfiguration(name: "fixture", kind: .files, location: path)
        return try CheckHarness.run(ids, targets: [target], inputs: inputs).filter { ids.contains($0.checkID) }
    }

    /// A copy of a folder in a fresh temporary folder, for fixtures whose file modes matter (git
    /// keeps no mode but the executable bit). The caller removes it.
    static func temporaryCopy(of path: String) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("filechecks-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let copy = root + "/stack"
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        return copy
    }

    static func chmod(_ path: String, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    static func remove(_ copy: String) {
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: copy).deletingLastPathComponent().path)
    }

    // MARK: - Every check on a failing and a passing example

    /// One check on a folder of USERLIST-MODE given a mode, and its exact findings as
    /// `status resource` (with the severity after a `@` where the check overrides it).
    struct Case: Sendable, CustomTestStringConvertible {
        let id: String
        let variant: String
        let expected: [String]
        /// For USERLIST-MODE: the mode given to `userlist.txt` in a temporary copy.
        var mode: Int?

        /// The bad folder is the check's failing example; the good one (mode 0600) stays a fixture.
        var path: String {
            variant == "bad" ? CheckHarness.example(id.lowercased(), "failing") : CheckHarness.fixture("files/" + id.lowercased() + "/" + variant)
        }
        var testDescription: String { "\(id) \(variant)" + (mode.map { " " + String($0, radix: 8) } ?? "") }
    }

    /// The cases a checked-in example cannot hold: file modes (git keeps none but the executable
    /// bit). Every other check's bad and good folders are its examples, `checks/files/<id>.test/`
    /// (``CheckExamples``, run by `BuiltinExamplesTests`).
    static let cases: [Case] = [
        Case(id: "USERLIST-MODE", variant: "bad", expected: ["fail userlist.txt"], mode: 0o644),
        Case(id: "USERLIST-MODE", variant: "bad", expected: ["fail userlist.txt"], mode: 0o640),
        Case(id: "USERLIST-MODE", variant: "good", expected: ["pass userlist.txt"], mode: 0o600),
    ]

    @Test(arguments: cases) func fixture(_ c: Case) throws {
        var path = c.path
        var copy: String?
        if let mode = c.mode {
            copy = try Self.temporaryCopy(of: path)
            path = copy!
            try Self.chmod(path + "/userlist.txt", mode)
        }
        defer { copy.map(Self.remove) }
        let found = try Self.findings([c.id], at: path)
        // Severity is shown only where a case names it (the check overrides it for that finding).
        let named = Set(c.expected.filter { $0.contains("@") }.map { String($0.split(separator: "@")[0]) })
        let actual = found.map { f -> String in
            let line = "\(f.status.rawValue) \(f.resource)"
            return named.contains(line) ? line + "@" + f.severity.rawValue : line
        }
        #expect(actual.sorted() == c.expected.sorted())
        #expect(found.allSatisfy { !$0.message.isEmpty && $0.target == "fixture" })
    }

    @Test func everyCheckHasAFailingAndAPassingExample() throws {
        #expect(Self.ids.count >= 16)
        for id in Self.ids {
            let failing = try CheckHarness.expectedStatuses(id, "failing")
            #expect(failing.contains("fail"), "\(id): no failing example")
            // USERLIST-MODE passes only with mode 0600, which git cannot keep: its case above.
            let passing = id == "USERLIST-MODE" ? ["pass"] : try CheckHarness.expectedStatuses(id, "passing")
            #expect(!passing.contains("fail") && passing.contains("pass"), "\(id): no passing example")
        }
    }

    @Test func theReadmeExampleIsTheShippedCheck() throws {
        let checks = RepositoryPaths.root.appendingPathComponent("checks")
        let readme = try String(contentsOf: checks.appendingPathComponent("README.md"), encoding: .utf8)
        let shipped = try String(contentsOf: checks.appendingPathComponent("files/pgbini-client-idle.lua"), encoding: .utf8)
        let block = try #require(
            readme.components(separatedBy: "```lua\n").dropFirst().first?.components(separatedBy: "```").first)
        #expect(block == shipped)
    }

    // MARK: - No files, malformed files

    @Test func everyCheckSkipsAFolderWithoutItsFiles() throws {
        let found = try Self.findings(Self.ids, at: CheckHarness.fixture("files/empty"))
        #expect(found.summary.sorted() == Self.ids.map { "\($0) skip fixture" })
    }

    /// The kind of file each check reads, by id prefix, and its malformed copy in `Fixtures/files/malformed`.
    static let malformedFile: [(prefix: String, path: String)] = [
        ("COMPOSE-", "docker-compose.yml"), ("DOTENV-", "env/.env"), ("PGBINI-", "pgbouncer.ini"),
        ("USERLIST-PLAINTEXT", "pgbouncer/userlist.txt"), ("REDISCONF-", "redis.conf"), ("HBA-", "postgres/pg_hba.conf"),
        ("PGCONF-", "postgres/postgresql.conf"),
    ]

    @Test func malformedFilesBecomeErrorFindings() throws {
        let found = try Self.findings(Self.ids, at: CheckHarness.fixture("files/malformed"))
        for id in Self.ids where id != "USERLIST-MODE" {
            let path = try #require(Self.malformedFile.first { id.hasPrefix($0.prefix) }?.path, "\(id) has no malformed fixture")
            let mine = found.filter { $0.checkID == id }
            #expect(mine.summary == ["\(id) error \(path)"])
            #expect(mine.allSatisfy { $0.message.hasPrefix(path + ":") })
        }
        // The error names the line and the problem, never the text around it.
        let redis = try #require(found.first { $0.checkID == "REDISCONF-BIND" })
        #expect(redis.message == "redis.conf:2: unbalanced quotes in configuration line")
        #expect(!found.contains { $0.message.contains("Zq9-fixture-secret") || $0.message.contains("letmein") })
        // The mode of an auth file is judged even when its content does not parse.
        #expect(found.filter { $0.checkID == "USERLIST-MODE" }.map(\.status).allSatisfy { $0 == .pass || $0 == .fail })
        #expect(found.filter { $0.checkID == "USERLIST-MODE" }.count == 1)
    }

    // MARK: - Inputs

    @Test func publishedPortsTakesItsPortsFromAnInput() throws {
        let path = CheckHarness.example("compose-published-ports", "failing")
        let found = try Self.findings(["COMPOSE-PUBLISHED-PORTS"], at: path, inputs: ["ports": "8080, 6379"])
        #expect(
            found.summary.sorted() == [
                "COMPOSE-PUBLISHED-PORTS fail compose/services.cache", "COMPOSE-PUBLISHED-PORTS fail compose/services.web",
                "COMPOSE-PUBLISHED-PORTS pass compose/services.db", "COMPOSE-PUBLISHED-PORTS pass compose/services.search",
            ])
    }

    @Test func poolerBypassAllowsTheServicesOfAnInput() throws {
        let path = CheckHarness.example("compose-pooler-bypass", "failing")
        let found = try Self.findings(["COMPOSE-POOLER-BYPASS"], at: path, inputs: ["direct": .array(["migrate", "worker"])])
        let failed = found.of("COMPOSE-POOLER-BYPASS", .fail).map(\.resource).sorted()
        #expect(failed == ["compose/services.analytics", "compose/services.reports"])
        #expect(found.filter { $0.resource == "compose/services.migrate" }.map(\.status) == [.pass])
    }

    @Test func dangerousCommandsTakesItsCommandsFromAnInput() throws {
        let path = CheckHarness.example("redisconf-dangerous-commands", "passing")
        let found = try Self.findings(["REDISCONF-DANGEROUS-COMMANDS"], at: path, inputs: ["commands": "KEYS,CONFIG"])
        // -@dangerous denies KEYS in redis.conf; redis-renamed.conf renames CONFIG but leaves KEYS.
        #expect(
            found.summary.sorted() == [
                "REDISCONF-DANGEROUS-COMMANDS fail redis-renamed.conf#rename-command",
                "REDISCONF-DANGEROUS-COMMANDS pass redis.conf#rename-command",
            ])
        #expect(found.of("REDISCONF-DANGEROUS-COMMANDS", .fail).first?.message.hasPrefix("KEYS usable") == true)
    }

    @Test func flatNetworkJudgesFilesFromAnInputSize() throws {
        let path = CheckHarness.example("compose-flat-network", "failing")
        let found = try Self.findings(["COMPOSE-FLAT-NETWORK"], at: path, inputs: ["min_services": 4])
        #expect(found.summary == ["COMPOSE-FLAT-NETWORK skip compose/networks"])
    }

    // MARK: - examples/sample-stack

    /// The failures the sample stack's README lists, plus what it implies (its weak password as
    /// compose passes it on, and the default user's FLUSHALL/CONFIG in an open Redis).
    static let sampleStackFailures: [String] = [
        "COMPOSE-DEPENDS-HEALTHY fail compose/services.worker",
        "COMPOSE-MUTABLE-TAG fail compose/services.redis",
        "COMPOSE-POOLER-BYPASS fail compose/services.worker",
        "COMPOSE-POOLER-HEALTHCHECK fail compose/services.pgbouncer",
        "COMPOSE-PUBLISHED-PORTS fail compose/services.postgres",
        "COMPOSE-PUBLISHED-PORTS fail compose/services.redis",
        "COMPOSE-RESOURCE-LIMITS fail compose/services.redis",
        "COMPOSE-RESOURCE-LIMITS fail compose/services.worker",
        "COMPOSE-SECRETS fail compose/services.postgres.environment.POSTGRES_PASSWORD",
        "COMPOSE-SECRETS fail compose/services.worker.environment.DB_PASSWORD",
        "DOTENV-WEAK-SECRETS fail .env#POSTGRES_PASSWORD",
        "HBA-OPEN fail postgres/pg_hba.conf:7",
        "HBA-TRUST fail postgres/pg_hba.conf:6",
        "HBA-WEAK-METHOD fail postgres/pg_hba.conf:7",
        "PGBINI-AUTH-TYPE fail pgbouncer/pgbouncer.ini#auth_type",
        "PGBINI-CLIENT-IDLE fail pgbouncer/pgbouncer.ini#client_idle_timeout",
        "PGBINI-CLIENT-TLS fail pgbouncer/pgbouncer.ini#client_tls_sslmode",
        "PGBINI-SERVER-TLS fail pgbouncer/pgbouncer.ini#server_tls_sslmode",
        "PGCONF-IDLE-IN-TRANSACTION-TIMEOUT fail postgres/postgresql.conf#idle_in_transaction_session_timeout",
        "PGCONF-LOG-CONNECTIONS fail postgres/postgresql.conf#log_connections",
        "PGCONF-LOG-CONNECTIONS fail postgres/postgresql.conf#log_disconnections",
        "PGCONF-SSL fail postgres/postgresql.conf#ssl",
        "REDISCONF-BIND fail redis/redis.conf#bind",
        "REDISCONF-DANGEROUS-COMMANDS fail redis/redis.conf#rename-command",
        "REDISCONF-MAXMEMORY fail redis/redis.conf#maxmemory",
        "REDISCONF-NO-PASSWORD fail redis/redis.conf#requirepass",
        "REDISCONF-PROTECTED-MODE fail redis/redis.conf#protected-mode",
        "USERLIST-MODE fail pgbouncer/userlist.txt",
        "USERLIST-PLAINTEXT fail pgbouncer/userlist.txt#pgbouncer_admin",
    ]

    @Test func sampleStackShowsItsDeliberateFlaws() throws {
        // A copy, so that userlist.txt has the mode the README describes whatever the checkout's umask.
        let copy = try Self.temporaryCopy(of: RepositoryPaths.root.appendingPathComponent("examples/sample-stack").path)
        defer { Self.remove(copy) }
        try Self.chmod(copy + "/pgbouncer/userlist.txt", 0o644)
        let found = try Self.findings(Self.ids, at: copy)

        #expect(found.filter { $0.status == .fail || $0.status == .error }.summary.sorted() == Self.sampleStackFailures)
        func severity(_ id: String, _ resource: String) -> Severity? {
            found.first { $0.checkID == id && $0.resource == resource && $0.status == .fail }?.severity
        }
        #expect(severity("HBA-TRUST", "postgres/pg_hba.conf:6") == .critical)
        #expect(severity("HBA-WEAK-METHOD", "postgres/pg_hba.conf:7") == .medium)
        #expect(severity("REDISCONF-NO-PASSWORD", "redis/redis.conf#requirepass") == .critical)
        #expect(severity("PGBINI-AUTH-TYPE", "pgbouncer/pgbouncer.ini#auth_type") == .low)
        #expect(severity("PGBINI-SERVER-TLS", "pgbouncer/pgbouncer.ini#server_tls_sslmode") == .medium)
        #expect(
            found.first { $0.checkID == "COMPOSE-POOLER-BYPASS" && $0.status == .fail }?.message
                == "worker connects to PostgreSQL directly (DB_HOST → postgres) while pgbouncer pools connections")

        // What the README says is right comes out as passes.
        let passes = Set(found.filter { $0.status == .pass }.summary)
        for expected in [
            "COMPOSE-PUBLISHED-PORTS pass compose/services.api", "COMPOSE-DEPENDS-HEALTHY pass compose/services.api",
            "COMPOSE-RESOURCE-LIMITS pass compose/services.api", "COMPOSE-POOLER-BYPASS pass compose/services.api",
            "USERLIST-PLAINTEXT pass pgbouncer/userlist.txt#shop",
            "PGCONF-PASSWORD-ENCRYPTION pass postgres/postgresql.conf#password_encryption",
            "COMPOSE-SECRETS pass compose/services.api.environment.DJANGO_SECRET_KEY", "DOTENV-WEAK-SECRETS pass .env#DJANGO_SECRET_KEY",
        ] {
            #expect(passes.contains(expected), "missing \(expected)")
        }
        // Every check ran and reported something about the stack.
        #expect(Set(found.map(\.checkID)) == Set(Self.ids))

        // No secret of the stack reaches a finding (booleans only, so a failure cannot print one).
        let writer = JSONWriter()
        let text = found.map { $0.message + $0.remediation + writer.string($0.evidence) }.joined(separator: "\n")
        #expect(!text.contains("r8Vq2-sample-stack-DISTINCTIVE-kZt9mW4xLp7Hs3Nd"))
        #expect(!text.contains("admin-sample-plaintext-7Qm2"))
    }
}
