import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// The built-in file checks (`checks/files`): each on a minimal bad and a minimal good fixture with
/// exact findings, all of them on a folder without their files, on malformed files and on
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

    // MARK: - Every check on a bad and a good fixture

    /// One check on `Fixtures/files/<check in lower case>/<variant>`, and its exact findings as
    /// `status resource` (with the severity after a `@` where the check overrides it).
    struct Case: Sendable, CustomTestStringConvertible {
        let id: String
        let variant: String
        let expected: [String]
        /// For USERLIST-MODE: the mode given to `userlist.txt` in a temporary copy.
        var mode: Int?

        var fixture: String { "files/" + id.lowercased() + "/" + variant }
        var testDescription: String { "\(id) \(variant)" + (mode.map { " " + String($0, radix: 8) } ?? "") }
    }

    static let cases: [Case] = [
        Case(id: "COMPOSE-PRIVILEGED", variant: "bad", expected: ["fail compose/services.agent", "pass compose/services.app"]),
        Case(id: "COMPOSE-PRIVILEGED", variant: "good", expected: ["pass compose/services.agent"]),
        Case(
            id: "COMPOSE-DOCKER-SOCKET", variant: "bad",
            expected: ["fail compose/services.traefik", "fail compose/services.watchtower", "pass compose/services.app"]),
        Case(id: "COMPOSE-DOCKER-SOCKET", variant: "good", expected: ["pass compose/services.app"]),
        Case(
            id: "COMPOSE-HOST-NAMESPACES", variant: "bad",
            expected: ["fail compose/services.app", "fail compose/services.monitor", "pass compose/services.web"]),
        Case(id: "COMPOSE-HOST-NAMESPACES", variant: "good", expected: ["pass compose/services.app"]),
        Case(
            id: "COMPOSE-RESOURCE-LIMITS", variant: "bad",
            expected: ["fail compose/services.cpuonly", "fail compose/services.worker", "fail compose/services.zero"]),
        Case(id: "COMPOSE-RESOURCE-LIMITS", variant: "good", expected: ["pass compose/services.legacy", "pass compose/services.worker"]),
        Case(id: "COMPOSE-HEALTHCHECK", variant: "bad", expected: ["fail compose/services.cache", "fail compose/services.db"]),
        Case(id: "COMPOSE-HEALTHCHECK", variant: "good", expected: ["pass compose/services.db"]),
        Case(id: "COMPOSE-DEPENDS-HEALTHY", variant: "bad", expected: ["fail compose/services.app", "fail compose/services.worker"]),
        Case(id: "COMPOSE-DEPENDS-HEALTHY", variant: "good", expected: ["pass compose/services.app", "pass compose/services.migrate"]),
        Case(
            id: "COMPOSE-PUBLISHED-PORTS", variant: "bad",
            expected: [
                "fail compose/services.cache", "fail compose/services.db", "fail compose/services.search", "pass compose/services.web",
            ]),
        Case(id: "COMPOSE-PUBLISHED-PORTS", variant: "good", expected: ["pass compose/services.db", "pass compose/services.web"]),
        Case(
            id: "COMPOSE-MUTABLE-TAG", variant: "bad",
            expected: ["fail compose/services.cache", "fail compose/services.proxy", "pass compose/services.app"]),
        Case(id: "COMPOSE-MUTABLE-TAG", variant: "good", expected: ["pass compose/services.cache", "pass compose/services.proxy"]),
        Case(
            id: "COMPOSE-POOLER-BYPASS", variant: "bad",
            expected: [
                "fail compose/services.analytics", "fail compose/services.migrate", "fail compose/services.reports",
                "fail compose/services.worker", "pass compose/services.api",
            ]),
        Case(id: "COMPOSE-POOLER-BYPASS", variant: "good", expected: ["pass compose/services.api", "pass compose/services.worker"]),
        Case(id: "COMPOSE-POOLER-BYPASS", variant: "env-bad", expected: ["fail .env#DATABASE_URL", "fail .env#REPORTS_DB_HOST"]),
        Case(id: "COMPOSE-POOLER-BYPASS", variant: "env-good", expected: ["pass .env#DATABASE_URL"]),
        Case(id: "COMPOSE-POOLER-HEALTHCHECK", variant: "bad", expected: ["fail compose/services.pgbouncer", "fail compose/services.pooler-b"]),
        Case(id: "COMPOSE-POOLER-HEALTHCHECK", variant: "good", expected: ["pass compose/services.pgbouncer", "pass compose/services.pooler-b"]),
        Case(
            id: "COMPOSE-SECURITY-DISABLED", variant: "bad",
            expected: [
                "fail compose/services.cache", "fail compose/services.db", "fail compose/services.elasticsearch", "fail compose/services.mysql",
                "pass compose/services.app",
            ]),
        Case(
            id: "COMPOSE-SECURITY-DISABLED", variant: "good",
            expected: ["pass compose/services.cache", "pass compose/services.db", "pass compose/services.elasticsearch"]),
        Case(
            id: "COMPOSE-SECRETS", variant: "bad",
            expected: [
                "fail compose/services.api.environment.ADMIN_PASSWORD", "fail compose/services.api.environment.SECRET_KEY",
                "fail compose/services.db.environment.POSTGRES_PASSWORD", "fail compose/x-db-env.POSTGRES_PASSWORD",
                "pass compose/services.api.environment.API_TOKEN",
            ]),
        Case(
            id: "COMPOSE-SECRETS", variant: "good",
            expected: ["pass compose/services.api.environment.API_TOKEN", "pass compose/services.db.environment.POSTGRES_PASSWORD"]),
        Case(id: "COMPOSE-FLAT-NETWORK", variant: "bad", expected: ["fail compose/networks"]),
        Case(id: "COMPOSE-FLAT-NETWORK", variant: "good", expected: ["pass compose/networks"]),
        Case(
            id: "COMPOSE-DEV-TARGET", variant: "bad",
            expected: ["fail compose/services.api", "fail compose/services.worker", "pass compose/services.web"]),
        Case(
            id: "COMPOSE-DEV-TARGET", variant: "good",
            expected: ["pass docker-compose.yml#services.api", "skip docker-compose.dev.yml"]),
        Case(
            id: "DOTENV-WEAK-SECRETS", variant: "bad",
            expected: ["fail .env#DJANGO_SECRET_KEY", "fail .env#POSTGRES_PASSWORD", "fail .env#REDIS_PASSWORD", "pass .env#API_TOKEN"]),
        Case(id: "DOTENV-WEAK-SECRETS", variant: "good", expected: ["pass .env#POSTGRES_PASSWORD", "skip deploy/prod.env"]),
        Case(
            id: "PGBINI-AUTH-TYPE", variant: "bad",
            expected: [
                "fail any.pgbouncer.ini#auth_type@critical", "fail pgbouncer.ini#auth_type@low", "fail plain.pgbouncer.ini#auth_type@high",
                "fail trust.pgbouncer.ini#auth_type@critical",
            ]),
        Case(id: "PGBINI-AUTH-TYPE", variant: "good", expected: ["pass cert.pgbouncer.ini#auth_type", "pass pgbouncer.ini#auth_type"]),
        Case(
            id: "PGBINI-CLIENT-IDLE", variant: "bad",
            expected: ["fail default.pgbouncer.ini#client_idle_timeout", "fail pgbouncer.ini#client_idle_timeout"]),
        Case(id: "PGBINI-CLIENT-IDLE", variant: "good", expected: ["pass pgbouncer.ini#client_idle_timeout"]),
        Case(
            id: "PGBINI-CLIENT-TLS", variant: "bad",
            expected: ["fail pgbouncer.ini#client_tls_sslmode", "fail prefer.pgbouncer.ini#client_tls_sslmode"]),
        Case(
            id: "PGBINI-CLIENT-TLS", variant: "good",
            expected: [
                "pass local.pgbouncer.ini#client_tls_sslmode", "pass pgbouncer.ini#client_tls_sslmode",
                "pass socket.pgbouncer.ini#client_tls_sslmode",
            ]),
        Case(
            id: "PGBINI-SERVER-TLS", variant: "bad",
            expected: [
                "fail default.pgbouncer.ini#server_tls_sslmode@medium", "fail pgbouncer.ini#server_tls_sslmode@medium",
                "fail require.pgbouncer.ini#server_tls_sslmode@low",
            ]),
        Case(
            id: "PGBINI-SERVER-TLS", variant: "good",
            expected: ["pass pgbouncer.ini#server_tls_sslmode", "pass socket.pgbouncer.ini#server_tls_sslmode"]),
        Case(id: "PGBINI-QUERY-WAIT-TIMEOUT", variant: "bad", expected: ["fail pgbouncer.ini#query_wait_timeout"]),
        Case(
            id: "PGBINI-QUERY-WAIT-TIMEOUT", variant: "good",
            expected: ["pass default.pgbouncer.ini#query_wait_timeout", "pass pgbouncer.ini#query_wait_timeout"]),
        Case(id: "PGBINI-SERVER-LIFETIME", variant: "bad", expected: ["fail pgbouncer.ini#server_lifetime"]),
        Case(id: "PGBINI-SERVER-LIFETIME", variant: "good", expected: ["pass pgbouncer.ini#server_lifetime"]),
        Case(id: "PGBINI-AUTH-QUERY", variant: "bad", expected: ["fail default.pgbouncer.ini#auth_query", "fail pgbouncer.ini#auth_query"]),
        Case(id: "PGBINI-AUTH-QUERY", variant: "good", expected: ["pass pgbouncer.ini#auth_query", "skip nouser.pgbouncer.ini#auth_query"]),
        Case(
            id: "USERLIST-PLAINTEXT", variant: "bad",
            expected: ["fail userlist.txt#admin", "fail userlist.txt#nobody", "pass userlist.txt#app"]),
        Case(id: "USERLIST-PLAINTEXT", variant: "good", expected: ["pass userlist.txt#admin", "pass userlist.txt#app"]),
        Case(id: "USERLIST-MODE", variant: "bad", expected: ["fail userlist.txt"], mode: 0o644),
        Case(id: "USERLIST-MODE", variant: "bad", expected: ["fail userlist.txt"], mode: 0o640),
        Case(id: "USERLIST-MODE", variant: "good", expected: ["pass userlist.txt"], mode: 0o600),
        Case(id: "REDISCONF-PROTECTED-MODE", variant: "bad", expected: ["fail redis.conf#protected-mode"]),
        Case(
            id: "REDISCONF-PROTECTED-MODE", variant: "good",
            expected: ["pass redis-default.conf#protected-mode", "pass redis.conf#protected-mode"]),
        Case(
            id: "REDISCONF-BIND", variant: "bad",
            expected: ["fail redis-default.conf#bind", "fail redis-public.conf#bind", "fail redis.conf#bind"]),
        Case(id: "REDISCONF-BIND", variant: "good", expected: ["pass redis-private.conf#bind", "pass redis.conf#bind"]),
        Case(
            id: "REDISCONF-NO-PASSWORD", variant: "bad",
            expected: [
                "fail redis-acl.conf#requirepass@high", "fail redis-local.conf#requirepass@high", "fail redis.conf#requirepass@critical",
            ]),
        Case(id: "REDISCONF-NO-PASSWORD", variant: "good", expected: ["pass redis-acl.conf#requirepass", "pass redis.conf#requirepass"]),
        Case(id: "REDISCONF-MAXMEMORY", variant: "bad", expected: ["fail redis-zero.conf#maxmemory", "fail redis.conf#maxmemory"]),
        Case(id: "REDISCONF-MAXMEMORY", variant: "good", expected: ["pass redis.conf#maxmemory"]),
        Case(
            id: "REDISCONF-DANGEROUS-COMMANDS", variant: "bad",
            expected: ["fail redis-acl.conf#rename-command", "fail redis.conf#rename-command"]),
        Case(
            id: "REDISCONF-DANGEROUS-COMMANDS", variant: "good",
            expected: ["pass redis-renamed.conf#rename-command", "pass redis.conf#rename-command"]),
        Case(id: "REDISCONF-TCP-KEEPALIVE", variant: "bad", expected: ["fail redis.conf#tcp-keepalive"]),
        Case(
            id: "REDISCONF-TCP-KEEPALIVE", variant: "good",
            expected: ["pass redis-default.conf#tcp-keepalive", "pass redis.conf#tcp-keepalive"]),
        Case(id: "HBA-TRUST", variant: "bad", expected: ["fail pg_hba.conf:2@medium", "fail pg_hba.conf:3@critical"]),
        Case(id: "HBA-TRUST", variant: "good", expected: ["pass pg_hba.conf"]),
        Case(
            id: "HBA-OPEN", variant: "bad",
            expected: ["fail pg_hba.conf:1", "fail pg_hba.conf:2", "fail pg_hba.conf:3", "fail pg_hba.conf:4"]),
        Case(id: "HBA-OPEN", variant: "good", expected: ["pass pg_hba.conf"]),
        Case(id: "HBA-WEAK-METHOD", variant: "bad", expected: ["fail pg_hba.conf:1@high", "fail pg_hba.conf:2@medium"]),
        Case(id: "HBA-WEAK-METHOD", variant: "good", expected: ["pass pg_hba.conf"]),
        Case(id: "PGCONF-SSL", variant: "bad", expected: ["fail default/postgresql.conf#ssl", "fail postgresql.conf#ssl"]),
        Case(
            id: "PGCONF-SSL", variant: "good",
            expected: ["pass altered/postgresql.auto.conf#ssl", "pass local/postgresql.conf#ssl", "pass postgresql.conf#ssl"]),
        Case(
            id: "PGCONF-LOG-CONNECTIONS", variant: "bad",
            expected: ["fail postgresql.conf#log_connections", "fail postgresql.conf#log_disconnections"]),
        Case(
            id: "PGCONF-LOG-CONNECTIONS", variant: "good",
            expected: ["pass postgresql.conf#log_connections", "pass postgresql.conf#log_disconnections"]),
        Case(
            id: "PGCONF-PASSWORD-ENCRYPTION", variant: "bad",
            expected: ["fail legacy/postgresql.conf#password_encryption", "fail postgresql.conf#password_encryption"]),
        Case(id: "PGCONF-PASSWORD-ENCRYPTION", variant: "good", expected: ["pass postgresql.conf#password_encryption"]),
        Case(
            id: "PGCONF-IDLE-IN-TRANSACTION-TIMEOUT", variant: "bad", expected: ["fail postgresql.conf#idle_in_transaction_session_timeout"]),
        Case(
            id: "PGCONF-IDLE-IN-TRANSACTION-TIMEOUT", variant: "good", expected: ["pass postgresql.conf#idle_in_transaction_session_timeout"]),
    ]

    @Test(arguments: cases) func fixture(_ c: Case) throws {
        var path = CheckHarness.fixture(c.fixture)
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

    @Test func everyCheckHasABadAndAGoodFixture() {
        #expect(Self.ids.count >= 16)
        for id in Self.ids {
            let bad = Self.cases.filter { $0.id == id && $0.variant == "bad" }
            let good = Self.cases.filter { $0.id == id && $0.variant == "good" }
            #expect(!bad.isEmpty && bad.allSatisfy { $0.expected.contains { $0.hasPrefix("fail ") } }, "\(id): no failing bad fixture")
            #expect(
                !good.isEmpty
                    && good.allSatisfy { c in
                        !c.expected.contains { $0.hasPrefix("fail ") } && c.expected.contains { $0.hasPrefix("pass ") }
                    },
                "\(id): no passing good fixture")
        }
        #expect(Set(Self.cases.map(\.id)) == Set(Self.ids), "a case names a check that does not exist")
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
        let path = CheckHarness.fixture("files/compose-published-ports/bad")
        let found = try Self.findings(["COMPOSE-PUBLISHED-PORTS"], at: path, inputs: ["ports": "8080, 6379"])
        #expect(
            found.summary.sorted() == [
                "COMPOSE-PUBLISHED-PORTS fail compose/services.cache", "COMPOSE-PUBLISHED-PORTS fail compose/services.web",
                "COMPOSE-PUBLISHED-PORTS pass compose/services.db", "COMPOSE-PUBLISHED-PORTS pass compose/services.search",
            ])
    }

    @Test func poolerBypassAllowsTheServicesOfAnInput() throws {
        let path = CheckHarness.fixture("files/compose-pooler-bypass/bad")
        let found = try Self.findings(["COMPOSE-POOLER-BYPASS"], at: path, inputs: ["direct": .array(["migrate", "worker"])])
        let failed = found.of("COMPOSE-POOLER-BYPASS", .fail).map(\.resource).sorted()
        #expect(failed == ["compose/services.analytics", "compose/services.reports"])
        #expect(found.filter { $0.resource == "compose/services.migrate" }.map(\.status) == [.pass])
    }

    @Test func dangerousCommandsTakesItsCommandsFromAnInput() throws {
        let path = CheckHarness.fixture("files/redisconf-dangerous-commands/good")
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
        let path = CheckHarness.fixture("files/compose-flat-network/bad")
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
