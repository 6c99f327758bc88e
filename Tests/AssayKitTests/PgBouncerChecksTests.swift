import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built-in PgBouncer checks (`checks/pgbouncer`) against the stack's PgBouncer 1.18 (its
/// console as `assay`, a stats user) and PgBouncers of the test's own for configurations the
/// shared one must keep. Serialized: several tests hold sessions on the stack's `tiny` database.
@Suite("PgBouncer checks", .serialized)
struct PgBouncerChecksTests {
    static func stack() throws -> TargetConfiguration { try CheckHarness.stackTarget(.pgbouncer) }

    /// The application login through PgBouncer, to the pooled database `db`.
    static func appURL(_ db: String) throws -> String {
        try StackPostgresURL(LiveStack.current().pgbouncerAppURL).with(database: db)
    }

    // MARK: - Configuration of the stack's PgBouncer

    @Test("Stack configuration: scram, loopback, client_idle_timeout = 0, session pooling, nothing paused")
    func stackConfiguration() throws {
        let findings = try CheckHarness.run(
            ["PGB-AUTH-TYPE", "PGB-CLIENT-TLS", "PGB-SERVER-TLS", "PGB-CLIENT-IDLE", "PGB-QUERY-WAIT-TIMEOUT",
             "PGB-SERVER-LIFETIME", "PGB-PREPARED-STATEMENTS", "PGB-PAUSED-DATABASES", "PGB-AUTH-QUERY"],
            targets: [Self.stack()])
        #expect(findings.pgLines("PGB-AUTH-TYPE") == ["pass critical setting/auth_type"])
        #expect(findings.pgLines("PGB-CLIENT-TLS") == ["pass high setting/client_tls_sslmode"])
        #expect(findings.pgLines("PGB-SERVER-TLS") == ["pass medium setting/server_tls_sslmode"])
        #expect(findings.pgLines("PGB-CLIENT-IDLE") == ["fail high setting/client_idle_timeout"])
        #expect(findings.of("PGB-CLIENT-IDLE", .fail).first?.message
            == "client_idle_timeout = 0: idle clients hold their slots forever")
        #expect(findings.pgLines("PGB-QUERY-WAIT-TIMEOUT") == ["pass low setting/query_wait_timeout"])
        #expect(findings.pgLines("PGB-SERVER-LIFETIME") == ["pass low setting/server_lifetime"])
        #expect(findings.pgLines("PGB-PREPARED-STATEMENTS") == ["pass info database/app", "pass info database/tiny"])
        #expect(findings.pgLines("PGB-PAUSED-DATABASES") == ["pass high database/app", "pass high database/tiny"])
        #expect(findings.pgLines("PGB-AUTH-QUERY") == ["skip medium setting/auth_query"])
    }

    @Test("PGB-VERSION: 1.18.0 is below 1.25.1; passes when the minimum allows it; fails below the newest of its line")
    func version() throws {
        let id = "PGB-VERSION"
        let target = try Self.stack()
        let old = try CheckHarness.run([id], targets: [target])
        #expect(old.pgLines(id) == ["fail high version"])
        #expect(old.first?.message.contains("CVE-2025-12819") == true)
        #expect(try CheckHarness.run([id], targets: [target], inputs: ["minimum": "1.18.0"]).pgLines(id) == ["pass high version"])
        let line = try CheckHarness.run([id], targets: [target], inputs: ["minimum": "1.0.0", "newest": ["1.18": "1.18.1"]])
        #expect(line.pgLines(id) == ["fail high version"])
        #expect(line.first?.message.contains("the newest release of the 1.18 line is 1.18.1") == true)
    }

    @Test("PGB-CLIENT-SATURATION: pass at 90/95 %, high and critical with thresholds the console's own client reaches")
    func clientSaturation() throws {
        let id = "PGB-CLIENT-SATURATION"
        let target = try Self.stack()
        #expect(try CheckHarness.run([id], targets: [target]).pgLines(id) == ["pass high setting/max_client_conn"])
        #expect(try CheckHarness.run([id], targets: [target], inputs: ["warn_percent": 0]).pgLines(id)
            == ["fail high setting/max_client_conn"])
        let critical = try CheckHarness.run([id], targets: [target], inputs: ["warn_percent": 0, "crit_percent": 0])
        #expect(critical.pgLines(id) == ["fail critical setting/max_client_conn"])
        #expect(critical.first?.evidence["max_client_conn"] == .int(50))
    }

    @Test("PGB-OVERSUBSCRIPTION: skip without a postgres target; the stack's pools fit; pool_size 60 does not")
    func oversubscription() throws {
        let id = "PGB-OVERSUBSCRIPTION"
        let postgres = try CheckHarness.stackTarget(.postgres)
        #expect(try CheckHarness.run([id], targets: [Self.stack()]).pgLines(id) == ["skip high pgbouncer"])
        let fits = try CheckHarness.run([id], targets: [Self.stack(), postgres])
        #expect(fits.pgLines(id) == ["pass high postgres/postgres"])
        #expect(fits.first?.evidence["postgres_usable"] == .int(47))

        let bouncer = try PrivatePgBouncer(databases: Self.looseDatabases(), settings: "auth_type = trust")
        defer { bouncer.stop() }
        let over = try CheckHarness.run([id], targets: [bouncer.target(), postgres])
        #expect(over.pgLines(id) == ["fail high postgres/postgres"])
        // big: 60 + 0 reserve; held and remote: default_pool_size 20 each.
        #expect(over.first?.evidence["pgbouncer_connections"] == .int(100))
    }

    // MARK: - Pools of the stack's `tiny` database (pool_size 1, reserve 1 after 5 s)

    @Test("Pool checks pass while one session uses tiny")
    func poolsWithoutWaiting() throws {
        let session = try PsqlSession(Self.appURL("tiny"))
        defer { session.close() }
        try session.send("SELECT 1;")
        #expect(try session.readLine() == "1")
        let findings = try CheckHarness.run(["PGB-WAITING-CLIENTS", "PGB-MAX-WAIT", "PGB-POOL-FULL"], targets: [Self.stack()])
        let tiny = findings.filter { $0.resource == "pool/tiny/app" }
        #expect(tiny.pgLines("PGB-WAITING-CLIENTS") == ["pass medium pool/tiny/app"])
        #expect(tiny.pgLines("PGB-MAX-WAIT") == ["pass medium pool/tiny/app"])
        #expect(tiny.pgLines("PGB-POOL-FULL") == ["pass medium pool/tiny/app"])
        #expect(findings.filter { $0.status != .pass }.isEmpty)
    }

    @Test("Three sessions on tiny: clients wait, the pool is full, the wait grows past the thresholds")
    func poolsWithWaiting() throws {
        let first = try PsqlSession(Self.appURL("tiny"))
        defer { first.close() }
        try first.send("SELECT 1;")
        #expect(try first.readLine() == "1")
        var queued: [PsqlSession] = []
        defer { queued.forEach { $0.close() } }
        for _ in 0..<2 {
            let session = try PsqlSession(Self.appURL("tiny"))
            try session.send("SELECT 1;")
            queued.append(session)
        }
        // Wait until the console itself shows a client queued for over a second.
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            let pool = try Psql.rows(LiveStack.current().pgbouncerURL, "SHOW POOLS")
                .first { $0["database"] == "tiny" && $0["user"] == "app" }
            if let pool, Int(pool["cl_waiting"] ?? "") ?? 0 > 0, Int(pool["maxwait"] ?? "") ?? 0 >= 1 { break }
            usleep(100_000)
        }
        let findings = try CheckHarness.run(
            ["PGB-WAITING-CLIENTS", "PGB-POOL-FULL", "PGB-MAX-WAIT"], targets: [Self.stack()],
            inputs: ["warn_seconds": 1, "high_seconds": 60])
        let tiny = findings.filter { $0.resource == "pool/tiny/app" }
        #expect(tiny.pgLines("PGB-WAITING-CLIENTS") == ["fail medium pool/tiny/app"])
        #expect(tiny.pgLines("PGB-POOL-FULL") == ["fail medium pool/tiny/app"])
        #expect(tiny.pgLines("PGB-MAX-WAIT") == ["fail medium pool/tiny/app"])
        let high = try CheckHarness.run(["PGB-MAX-WAIT"], targets: [Self.stack()], inputs: ["high_seconds": 1])
        #expect(high.filter { $0.resource == "pool/tiny/app" }.pgLines("PGB-MAX-WAIT") == ["fail high pool/tiny/app"])
    }

    // MARK: - PgBouncers of the test's own

    static func looseDatabases() throws -> String {
        let port = try LiveStack.current().value("ASSAY_STACK_POSTGRES_PORT")
        return """
            big = host=127.0.0.1 port=\(port) dbname=app pool_size=60
            held = host=127.0.0.1 port=\(port) dbname=app
            remote = host=db.example.invalid port=5432 dbname=app
            """
    }

    @Test("A loose PgBouncer: trust, transaction pooling on 1.18, no queue timeout, single-use servers, paused and disabled databases")
    func loosePgBouncer() throws {
        let bouncer = try PrivatePgBouncer(databases: Self.looseDatabases(), settings: """
            auth_type = trust
            auth_user = t_auth
            pool_mode = transaction
            client_idle_timeout = 600
            query_wait_timeout = 0
            server_lifetime = 0
            """)
        defer { bouncer.stop() }
        try bouncer.admin("PAUSE held")
        try bouncer.admin("DISABLE remote")
        let findings = try CheckHarness.run(
            ["PGB-AUTH-TYPE", "PGB-CLIENT-TLS", "PGB-SERVER-TLS", "PGB-CLIENT-IDLE", "PGB-QUERY-WAIT-TIMEOUT",
             "PGB-SERVER-LIFETIME", "PGB-PREPARED-STATEMENTS", "PGB-PAUSED-DATABASES", "PGB-AUTH-QUERY"],
            targets: [bouncer.target()])
        #expect(findings.pgLines("PGB-AUTH-TYPE") == ["fail critical setting/auth_type"])
        #expect(findings.pgLines("PGB-CLIENT-TLS") == ["pass high setting/client_tls_sslmode"])
        #expect(findings.pgLines("PGB-SERVER-TLS") == ["fail medium setting/server_tls_sslmode"])
        #expect(findings.pgLines("PGB-CLIENT-IDLE") == ["pass high setting/client_idle_timeout"])
        #expect(findings.pgLines("PGB-QUERY-WAIT-TIMEOUT") == ["fail low setting/query_wait_timeout"])
        #expect(findings.pgLines("PGB-SERVER-LIFETIME") == ["fail low setting/server_lifetime"])
        #expect(findings.pgLines("PGB-PREPARED-STATEMENTS")
            == ["fail info database/big", "fail info database/held", "fail info database/remote"])
        #expect(findings.pgLines("PGB-PAUSED-DATABASES")
            == ["fail high database/held", "fail high database/remote", "pass high database/big"])
        #expect(findings.pgLines("PGB-AUTH-QUERY") == ["fail medium setting/auth_query"])
    }

    @Test("An open PgBouncer: all addresses without client TLS, md5, unverified server TLS, auth_query through a function")
    func openPgBouncer() throws {
        let password = randomPassword()
        let bouncer = try PrivatePgBouncer(
            databases: "remote = host=db.example.invalid port=5432 dbname=app",
            settings: """
                listen_addr = *
                auth_type = md5
                auth_user = t_auth
                auth_query = SELECT usename, passwd FROM pgbouncer.get_auth($1)
                server_tls_sslmode = require
                """,
            password: password)
        defer { bouncer.stop() }
        let findings = try CheckHarness.run(
            ["PGB-AUTH-TYPE", "PGB-CLIENT-TLS", "PGB-SERVER-TLS", "PGB-AUTH-QUERY"], targets: [bouncer.target()])
        #expect(findings.pgLines("PGB-AUTH-TYPE") == ["fail low setting/auth_type"])
        #expect(findings.pgLines("PGB-CLIENT-TLS") == ["fail high setting/client_tls_sslmode"])
        #expect(findings.pgLines("PGB-SERVER-TLS") == ["fail low setting/server_tls_sslmode"])
        #expect(findings.pgLines("PGB-AUTH-QUERY") == ["pass medium setting/auth_query"])
    }
}

/// A PgBouncer 1.18 of the test's own on a free port, run as `postgres` in the foreground, with a
/// stats user `t_stats` (the audit login) and an admin user `t_admin`. `stop()` kills it and removes
/// its folder.
final class PrivatePgBouncer {
    let folder: TemporaryFolder
    let port: Int
    let password: String?
    private let process: Process

    /// - Parameters:
    ///   - databases: lines of `[databases]`.
    ///   - settings: lines added to `[pgbouncer]` (they win over the defaults written before them).
    ///   - password: the password of both users in auth_file (needed unless auth_type is trust).
    init(databases: String, settings: String, password: String? = nil) throws {
        let folder = try TemporaryFolder(prefix: "assay-pgchecks-pgb")
        var started = false
        defer { if !started { folder.remove() } }
        chmod(folder.path, 0o755)
        self.folder = folder
        self.password = password
        let secret = password ?? "unused"
        try "\"t_stats\" \"\(secret)\"\n\"t_admin\" \"\(secret)\"\n".write(
            toFile: folder.path + "/userlist.txt", atomically: false, encoding: .utf8)
        var lastError = "never started"
        for _ in 0..<3 {
            let port = try freeLoopbackPort()
            let ini = """
                [databases]
                \(databases)

                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = \(port)
                unix_socket_dir =
                auth_file = \(folder.path)/userlist.txt
                admin_users = t_admin
                stats_users = t_stats
                pidfile = \(folder.path)/pgbouncer.pid
                logfile = \(folder.path)/pgbouncer.log
                \(settings)

                """
            try ini.write(toFile: folder.path + "/pgbouncer.ini", atomically: false, encoding: .utf8)
            try Program.output("/bin/chown", ["-R", "postgres:postgres", folder.path])
            chmod(folder.path + "/userlist.txt", 0o600)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=postgres", "--regid=postgres", "--init-groups", "/usr/sbin/pgbouncer", "-q",
                                 folder.path + "/pgbouncer.ini"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline {
                let log = (try? String(contentsOfFile: folder.path + "/pgbouncer.log", encoding: .utf8)) ?? ""
                if log.contains("process up") {
                    self.port = port
                    self.process = process
                    started = true
                    return
                }
                usleep(20_000)
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            lastError = (try? String(contentsOfFile: folder.path + "/pgbouncer.log", encoding: .utf8)) ?? "no log"
        }
        throw PostgresTestFailure(description: "pgbouncer did not start: \(lastError.suffix(500))")
    }

    func url(user: String) -> String {
        let credentials = password.map { "\(user):\($0)" } ?? user
        return "postgres://\(credentials)@127.0.0.1:\(port)/pgbouncer"
    }

    /// The console as a target, logged in as the stats user.
    func target() -> TargetConfiguration {
        TargetConfiguration(name: "pgbouncer", kind: .pgbouncer, location: url(user: "t_stats"))
    }

    /// Runs a console command as the admin user.
    func admin(_ command: String) throws {
        try Psql.run(url(user: "t_admin"), command)
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        folder.remove()
    }
}
