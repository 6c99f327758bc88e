import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built-in PostgreSQL checks (`checks/postgres`) against real servers: the live stack (audited
/// as `assay`, a pg_monitor role), and servers of the test's own for states that depend on server
/// configuration the shared stack must keep (pg_hba.conf, ssl, password_encryption, prepared
/// transactions, replication slots, logging, a superuser login).
@Suite("PostgreSQL checks")
struct PostgresChecksTests {
    static func stack() throws -> TargetConfiguration { try CheckHarness.stackTarget(.postgres) }

    static var adminURL: String { get throws { try LiveStack.current().postgresAdminURL } }

    // MARK: - Against the live stack

    @Test("PG-END-OF-LIFE: medium a year before the date, high after it, pass long before; today from the server")
    func endOfLife() throws {
        let id = "PG-END-OF-LIFE"
        let target = try Self.stack()
        #expect(try CheckHarness.run([id], targets: [target], inputs: ["today": "2025-01-01"]).pgLines(id)
            == ["pass high setting/server_version_num"])
        #expect(try CheckHarness.run([id], targets: [target], inputs: ["today": "2027-01-01"]).pgLines(id)
            == ["fail medium setting/server_version_num"])
        let past = try CheckHarness.run([id], targets: [target], inputs: ["today": "2028-01-01"])
        #expect(past.pgLines(id) == ["fail high setting/server_version_num"])
        #expect(past.first?.message.contains("reached its end of life on 2027-11-11, 51 days ago") == true)
        // Without `today`, the server's current_date decides.
        let days = try #require(Int(Psql.run(Self.adminURL, "SELECT DATE '2027-11-11' - current_date")))
        let expected = days < 0 ? "fail high" : days < 365 ? "fail medium" : "pass high"
        #expect(try CheckHarness.run([id], targets: [target]).pgLines(id) == ["\(expected) setting/server_version_num"])
    }

    @Test("PG-HBA-*: a login that cannot read pg_hba_file_rules gets an error for each rule check, never a pass")
    func hbaDenied() throws {
        let severities = ["PG-HBA-TRUST": "critical", "PG-HBA-OPEN": "high", "PG-HBA-WEAK-METHOD": "high", "PG-HBA-ERRORS": "high"]
        // The stack grants the view to `assay`; the application login has no such grant.
        let stack = try LiveStack.current()
        let appURL = try stack.pgbouncerAppURL.replacingOccurrences(
            of: ":\(try stack.value("ASSAY_STACK_PGBOUNCER_PORT"))/", with: ":\(try stack.value("ASSAY_STACK_POSTGRES_PORT"))/")
        let app = TargetConfiguration(name: "postgres", kind: .postgres, location: appURL)
        let findings = try CheckHarness.run(Array(severities.keys), targets: [app])
        for (id, severity) in severities {
            #expect(findings.pgLines(id) == ["error \(severity) postgres"])
            #expect(findings.of(id, .error).first?.message.contains("permission denied for view pg_hba_file_rules") == true)
        }
    }

    @Test("PG-HBA-*: the stack grants the rules to the audit role, and its 0.0.0.0/0 md5 line is found")
    func hbaOnTheStack() throws {
        let ids = ["PG-HBA-TRUST", "PG-HBA-OPEN", "PG-HBA-WEAK-METHOD", "PG-HBA-ERRORS"]
        let findings = try CheckHarness.run(ids, targets: [Self.stack()])
        #expect(!findings.contains { $0.status == .error }, "\(findings.summary)")
        #expect(findings.of("PG-HBA-OPEN", .fail).count == 1)
        #expect(findings.of("PG-HBA-WEAK-METHOD", .fail).map(\.severity) == [.medium])
        #expect(findings.pgLines("PG-HBA-ERRORS").allSatisfy { $0.hasPrefix("pass") })
    }

    @Test("Stack settings: scram, loopback without TLS, no idle timeout, no connection logs, assay is no superuser")
    func stackSettings() throws {
        let findings = try CheckHarness.run(
            ["PG-PASSWORD-ENCRYPTION", "PG-MD5-PASSWORDS", "PG-SSL", "PG-IDLE-TX-TIMEOUT", "PG-LOG-CONNECTIONS",
             "PG-SUPERUSER-LOGIN", "PG-PREPARED-XACTS", "PG-REPLICATION-SLOTS"],
            targets: [Self.stack()])
        #expect(findings.pgLines("PG-PASSWORD-ENCRYPTION") == ["pass medium setting/password_encryption"])
        // pg_authid is superuser-only: not checked, and said so.
        #expect(findings.pgLines("PG-MD5-PASSWORDS") == ["skip medium postgres"])
        #expect(findings.of("PG-MD5-PASSWORDS", .skip).first?.message.contains("pg_authid is not readable") == true)
        #expect(findings.pgLines("PG-SSL") == ["pass high setting/ssl"])
        #expect(findings.pgLines("PG-IDLE-TX-TIMEOUT") == ["fail low setting/idle_in_transaction_session_timeout"])
        #expect(findings.pgLines("PG-LOG-CONNECTIONS")
            == ["fail low setting/log_connections", "fail low setting/log_disconnections"])
        #expect(findings.pgLines("PG-SUPERUSER-LOGIN") == ["pass high user/assay"])
        #expect(findings.pgLines("PG-PREPARED-XACTS") == ["pass high postgres"])  // max_prepared_transactions = 0
        #expect(findings.pgLines("PG-REPLICATION-SLOTS") == ["skip high postgres"])
    }

    @Test("PG-CONNECTIONS: pass at 90/95 %, high and critical with thresholds the stack's connections reach")
    func connections() throws {
        let id = "PG-CONNECTIONS"
        let target = try Self.stack()
        #expect(try CheckHarness.run([id], targets: [target]).pgLines(id) == ["pass high setting/max_connections"])
        let warn = try CheckHarness.run([id], targets: [target], inputs: ["warn_percent": 0, "crit_percent": 100])
        #expect(warn.pgLines(id) == ["fail high setting/max_connections"])
        #expect(warn.first?.evidence["usable"] == .int(47))  // max_connections 50 less 3 reserved
        let crit = try CheckHarness.run([id], targets: [target], inputs: ["warn_percent": 0, "crit_percent": 0])
        #expect(crit.pgLines(id) == ["fail critical setting/max_connections"])
    }

    @Test("PG-IDLE-IN-TRANSACTION: a session left in BEGIN fails once past max_seconds")
    func idleInTransaction() throws {
        let id = "PG-IDLE-IN-TRANSACTION"
        let session = try PsqlSession(Self.adminURL)
        defer { session.close() }
        let pid = try session.pid()
        try session.send("BEGIN; SELECT 1;")
        #expect(try session.readLine() == "1")
        Thread.sleep(forTimeInterval: 1.5)
        let findings = try CheckHarness.run([id], targets: [Self.stack()], inputs: ["max_seconds": 1])
        #expect(findings.filter { $0.resource == "backend/\(pid)" }.pgLines(id) == ["fail high backend/\(pid)"])
        #expect(findings.of(id, .pass).isEmpty)
        // The default (1 h) is far off.
        #expect(try CheckHarness.run([id], targets: [Self.stack()]).pgLines(id) == ["pass high postgres"])
    }

    @Test("PG-LONG-QUERIES: a running pg_sleep fails once past max_seconds, passes under the default 5 min")
    func longQueries() throws {
        let id = "PG-LONG-QUERIES"
        let session = try PsqlSession(Self.adminURL)
        defer { session.close() }
        let pid = try session.pid()
        try session.send("SET statement_timeout = '20s'; SELECT pg_sleep(30);")
        defer { _ = try? Psql.run(Self.adminURL, "SELECT pg_cancel_backend(\(pid))") }
        Thread.sleep(forTimeInterval: 1.5)
        let findings = try CheckHarness.run([id], targets: [Self.stack()], inputs: ["max_seconds": 1])
        let mine = findings.filter { $0.resource == "backend/\(pid)" }
        #expect(mine.pgLines(id) == ["fail medium backend/\(pid)"])
        #expect(mine.first?.evidence["command"] == .string("SELECT"))
        #expect(mine.first?.message.contains("pg_sleep") == false)  // the statement text is not reported
        #expect(try CheckHarness.run([id], targets: [Self.stack()]).pgLines(id) == ["pass medium postgres"])
    }

    @Test("PG-BLOCKED-LOCKS: a session queued behind another's advisory lock fails past max_seconds")
    func blockedLocks() throws {
        let id = "PG-BLOCKED-LOCKS"
        let key = Int.random(in: 1_000_000...9_000_000)
        let holder = try PsqlSession(Self.adminURL)
        defer { holder.close() }
        let holderPID = try holder.pid()
        try holder.send("SELECT pg_advisory_lock(\(key));")
        _ = try holder.readLine()
        let waiter = try PsqlSession(Self.adminURL)
        defer { waiter.close() }
        let waiterPID = try waiter.pid()
        try waiter.send("SELECT pg_advisory_lock(\(key));")
        Thread.sleep(forTimeInterval: 1.5)
        let findings = try CheckHarness.run([id], targets: [Self.stack()], inputs: ["max_seconds": 1])
        let mine = findings.filter { $0.resource == "backend/\(waiterPID)" }
        #expect(mine.pgLines(id) == ["fail medium backend/\(waiterPID)"])
        #expect(mine.first?.evidence["blocked_by"] == .string("{\(holderPID)}"))
        #expect(findings.filter { $0.resource == "backend/\(holderPID)" }.isEmpty)
        #expect(try CheckHarness.run([id], targets: [Self.stack()]).pgLines(id) == ["pass medium postgres"])
    }

    @Test("PG-XID-WRAPAROUND: every database passes at 1.3e9/1.4e9; fails high, then critical, at thresholds of 0")
    func wraparound() throws {
        let id = "PG-XID-WRAPAROUND"
        let databases = ["db/app", "db/postgres", "db/template0", "db/template1"]
        let target = try Self.stack()
        #expect(try CheckHarness.run([id], targets: [target]).pgLines(id) == databases.map { "pass high \($0)" })
        #expect(try CheckHarness.run([id], targets: [target], inputs: ["warn_age": 0]).pgLines(id)
            == databases.map { "fail high \($0)" })
        #expect(try CheckHarness.run([id], targets: [target], inputs: ["warn_age": 0, "crit_age": 0]).pgLines(id)
            == databases.map { "fail critical \($0)" })
    }

    @Test("PG-STAT-STATEMENTS: installed in app, missing in postgres")
    func statStatements() throws {
        let id = "PG-STAT-STATEMENTS"
        let app = try Self.stack()
        var other = app
        other.name = "postgres-db"
        other.location = try StackPostgresURL(app.location).with(database: "postgres")
        let findings = try CheckHarness.run([id], targets: [app, other])
        #expect(findings.filter { $0.target == "postgres" }.pgLines(id) == ["pass low db/app"])
        #expect(findings.filter { $0.target == "postgres-db" }.pgLines(id) == ["fail low db/postgres"])
    }

    // MARK: - Read-only

    @Test("A check that tries to write gets an error finding, and the table is unchanged")
    func writeAttemptIsAnError() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("insert.lua", Self.writeCheck(id: "TEST-WRITE-INSERT", """
            ctx.target:query("INSERT INTO public.items (name) VALUES ('written by a check')")
            """))
        try folder.write("cte.lua", Self.writeCheck(id: "TEST-WRITE-CTE", """
            local rows, err = ctx.target:query("WITH w AS (INSERT INTO public.items (name) VALUES ('written by a check') RETURNING id) SELECT id FROM w")
            assert(rows, err)
            """))
        let count = "SELECT count(*) FROM public.items"
        let before = try Psql.run(Self.adminURL, count)
        let findings = try CheckHarness.run(["TEST-WRITE-INSERT", "TEST-WRITE-CTE"], targets: [Self.stack()]) {
            $0.checkPaths = [folder.path]
            $0.builtinChecks = false
        }
        #expect(findings.pgLines("TEST-WRITE-INSERT") == ["error high postgres"])
        #expect(findings.of("TEST-WRITE-INSERT", .error).first?.message.contains("query refused") == true)
        #expect(findings.pgLines("TEST-WRITE-CTE") == ["error high postgres"])
        // The server plans the statement first, and assay may not even plan a write into items.
        #expect(findings.of("TEST-WRITE-CTE", .error).first?.message.contains("permission denied for table items") == true)
        #expect(try Psql.run(Self.adminURL, count) == before)
        #expect(try Psql.run(Self.adminURL, "SELECT count(*) FROM public.items WHERE name = 'written by a check'") == "0")
    }

    static func writeCheck(id: String, _ body: String) -> String {
        """
        return assay.check {
          id = "\(id)", title = "Tries to write", severity = "high", category = "security", needs = { "postgres" },
          run = function(ctx)
            \(body)
            ctx:pass { message = "the write went through" }
          end,
        }
        """
    }

    // MARK: - Servers of the test's own

    @Test("A loosely configured server: bad pg_hba.conf, md5, no TLS on all addresses, old prepared transaction, idle slot")
    func looseServer() throws {
        let auditor = "t_auditor", password = randomPassword()
        let server = try PrivatePostgres(settings: """
            listen_addresses = '*'
            ssl = off
            password_encryption = md5
            max_prepared_transactions = 5
            """)
        defer { server.stop() }
        try server.psql("""
            SET password_encryption = 'scram-sha-256';
            CREATE ROLE \(auditor) LOGIN PASSWORD '\(password)' IN ROLE pg_monitor;
            RESET password_encryption;
            GRANT SELECT ON pg_catalog.pg_authid TO \(auditor);
            GRANT SELECT ON pg_catalog.pg_hba_file_rules TO \(auditor);
            GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO \(auditor);
            CREATE ROLE t_md5 LOGIN PASSWORD '\(randomPassword())';
            SELECT pg_create_physical_replication_slot('t_idle');
            BEGIN;
            CREATE TABLE t_prepared (id int);
            PREPARE TRANSACTION 't_forgotten';
            """)
        // Written after the server started and never reloaded: pg_hba_file_rules shows the file on disk,
        // while the server keeps the safe rules it loaded.
        try server.writeHBA("""
            # deliberately bad rules (line numbers are file lines)
            local   all  all                   trust
            host    all  all  0.0.0.0/0        trust
            host    all  all  10.0.0.0/8       password
            host    all  all  192.168.0.0/16   md5
            host    all  all  ::/0             scram-sha-256
            host    all  all  all              scram-sha-256
            host    all  all  127.0.0.1/32     bogus
            host    all  all  0.0.0.0/0        reject
            """)
        let target = TargetConfiguration(name: "loose", kind: .postgres, location: server.url(user: auditor, password: password))
        let findings = try CheckHarness.run(
            ["PG-HBA-TRUST", "PG-HBA-OPEN", "PG-HBA-WEAK-METHOD", "PG-HBA-ERRORS", "PG-SSL", "PG-PASSWORD-ENCRYPTION",
             "PG-MD5-PASSWORDS", "PG-PREPARED-XACTS", "PG-REPLICATION-SLOTS", "PG-SUPERUSER-LOGIN"],
            targets: [target], inputs: ["max_seconds": 0])
        #expect(findings.pgLines("PG-HBA-TRUST") == ["fail critical hba/line/3", "fail medium hba/line/2"])
        #expect(findings.pgLines("PG-HBA-OPEN") == ["fail high hba/line/3", "fail high hba/line/6", "fail high hba/line/7"])
        #expect(findings.pgLines("PG-HBA-WEAK-METHOD") == ["fail high hba/line/4", "fail medium hba/line/5"])
        #expect(findings.pgLines("PG-HBA-ERRORS") == ["fail high hba/line/8"])
        #expect(findings.of("PG-HBA-ERRORS", .fail).first?.message.contains("invalid authentication method \"bogus\"") == true)
        #expect(findings.pgLines("PG-SSL") == ["fail high setting/ssl"])
        #expect(findings.pgLines("PG-PASSWORD-ENCRYPTION") == ["fail medium setting/password_encryption"])
        #expect(findings.pgLines("PG-MD5-PASSWORDS") == ["fail medium user/t_md5"])
        #expect(findings.pgLines("PG-PREPARED-XACTS") == ["fail high xact/t_forgotten"])
        #expect(findings.pgLines("PG-REPLICATION-SLOTS") == ["fail high slot/t_idle"])
        #expect(findings.pgLines("PG-SUPERUSER-LOGIN") == ["pass high user/t_auditor"])
    }

    @Test("A tightly configured server: clean pg_hba.conf, logging, idle timeout, an active slot; audited as a superuser")
    func tightServer() throws {
        let login = "t_super", password = randomPassword()
        let server = try PrivatePostgres(settings: """
            log_connections = on
            log_disconnections = on
            idle_in_transaction_session_timeout = '10min'
            """)
        defer { server.stop() }
        try server.psql("""
            CREATE ROLE \(login) LOGIN SUPERUSER PASSWORD '\(password)';
            CREATE TABLE t_items (id int);
            SELECT pg_create_physical_replication_slot('t_live');
            """)
        try server.receiveWAL(slot: "t_live")
        let target = TargetConfiguration(name: "tight", kind: .postgres, location: server.url(user: login, password: password))
        let findings = try CheckHarness.run(
            ["PG-HBA-TRUST", "PG-HBA-OPEN", "PG-HBA-WEAK-METHOD", "PG-HBA-ERRORS", "PG-SSL", "PG-PASSWORD-ENCRYPTION",
             "PG-MD5-PASSWORDS", "PG-IDLE-TX-TIMEOUT", "PG-LOG-CONNECTIONS", "PG-REPLICATION-SLOTS", "PG-SUPERUSER-LOGIN"],
            targets: [target])
        for id in ["PG-HBA-TRUST", "PG-HBA-OPEN", "PG-HBA-WEAK-METHOD", "PG-HBA-ERRORS"] {
            #expect(findings.pgLines(id).map { $0.hasPrefix("pass ") && $0.hasSuffix(" tight") } == [true], "\(id)")
        }
        #expect(findings.pgLines("PG-SSL") == ["pass high setting/ssl"])
        #expect(findings.pgLines("PG-PASSWORD-ENCRYPTION") == ["pass medium setting/password_encryption"])
        #expect(findings.pgLines("PG-MD5-PASSWORDS") == ["pass medium tight"])
        #expect(findings.pgLines("PG-IDLE-TX-TIMEOUT") == ["pass low setting/idle_in_transaction_session_timeout"])
        #expect(findings.pgLines("PG-LOG-CONNECTIONS") == ["pass low setting/log_connections", "pass low setting/log_disconnections"])
        #expect(findings.pgLines("PG-REPLICATION-SLOTS") == ["pass high slot/t_live"])
        #expect(findings.pgLines("PG-SUPERUSER-LOGIN") == ["fail high user/t_super"])
        #expect(findings.of("PG-SUPERUSER-LOGIN", .fail).first?.message.hasPrefix("the audit ran as t_super, a superuser") == true)

        // Even a superuser login cannot write through Assay.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("write.lua", Self.writeCheck(id: "TEST-WRITE-SUPER", """
            local rows, err = ctx.target:query("WITH w AS (INSERT INTO t_items VALUES (1) RETURNING id) SELECT id FROM w")
            assert(rows, err)
            """))
        let writes = try CheckHarness.run(["TEST-WRITE-SUPER"], targets: [target]) {
            $0.checkPaths = [folder.path]
            $0.builtinChecks = false
        }
        #expect(writes.pgLines("TEST-WRITE-SUPER") == ["error high tight"])
        #expect(try server.psql("SELECT count(*) FROM t_items") == "0")
    }
}

// MARK: - Helpers

extension Array where Element == Finding {
    /// `status severity resource` of one check's findings, sorted.
    func pgLines(_ check: String) -> [String] {
        filter { $0.checkID == check }.map { "\($0.status.rawValue) \($0.severity.rawValue) \($0.resource)" }.sorted()
    }
}

struct PostgresTestFailure: Error, CustomStringConvertible {
    let description: String
}

/// A random password for roles of the test's own servers.
func randomPassword() -> String {
    (0..<3).map { _ in String(UInt64.random(in: 0...UInt64.max), radix: 16) }.joined()
}

/// A stack URL taken apart: the password goes to `PGPASSWORD`, never onto a command line.
struct StackPostgresURL {
    var components: URLComponents

    init(_ url: String) throws {
        guard let components = URLComponents(string: url) else { throw PostgresTestFailure(description: "a URL does not parse") }
        self.components = components
    }

    func with(database: String) -> String {
        var copy = components
        copy.path = "/" + database
        return copy.string ?? ""
    }

    /// The URL without its password, and the environment that carries it.
    var withoutPassword: (url: String, environment: [String: String]) {
        var copy = components
        let password = copy.password
        copy.password = nil
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password.flatMap { $0.removingPercentEncoding }
        environment["PGCONNECT_TIMEOUT"] = "5"
        return (copy.string ?? "", environment)
    }
}

/// One-shot psql runs against a URL.
enum Psql {
    /// Runs `sql` and returns its unaligned, tuples-only output.
    @discardableResult
    static func run(_ url: String, _ sql: String) throws -> String {
        let (plain, environment) = try StackPostgresURL(url).withoutPassword
        return try Program.output(
            "/usr/bin/psql", ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", plain, "-c", sql], environment: environment)
    }

    /// Runs `sql` and returns its rows by column name (values without commas, such as SHOW POOLS).
    static func rows(_ url: String, _ sql: String) throws -> [[String: String]] {
        let (plain, environment) = try StackPostgresURL(url).withoutPassword
        let lines = try Program.output(
            "/usr/bin/psql", ["-X", "-q", "--csv", "-v", "ON_ERROR_STOP=1", "-d", plain, "-c", sql], environment: environment)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(zip(header, $0), uniquingKeysWith: { first, _ in first }) }
    }
}

/// A psql process that holds one session open: statements go in through its standard input and
/// their output comes back line by line, so a test can leave a session in a state (idle in a
/// transaction, running, waiting for a lock or for a PgBouncer server) while Assay looks.
final class PsqlSession {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()

    init(_ url: String) throws {
        signal(SIGPIPE, SIG_IGN)
        let (plain, environment) = try StackPostgresURL(url).withoutPassword
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", plain]
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func send(_ sql: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data((sql + "\n").utf8))
    }

    /// The next line of output, waiting up to `timeout` seconds.
    func readLine(timeout: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        let fd = output.fileHandleForReading.fileDescriptor
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                return String(decoding: line, as: UTF8.self)
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw PostgresTestFailure(description: "psql gave no line in \(timeout) s") }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(left * 1000) + 1) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { throw PostgresTestFailure(description: "psql ended (its session failed)") }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// The session's backend pid (as PostgreSQL sees it).
    func pid() throws -> Int {
        try send("SELECT pg_backend_pid();")
        let line = try readLine()
        guard let pid = Int(line) else { throw PostgresTestFailure(description: "not a pid: \(line)") }
        return pid
    }

    /// Kills psql (SIGKILL: children of the test runner inherit its blocked SIGTERM); the server
    /// sees the connection close.
    func close() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Runs a program as the `postgres` user (initdb, postgres and PgBouncer refuse root).
/// `setpriv` execs the program itself, so the process the test holds is the program.
@discardableResult
func runAsPostgres(_ program: String, _ arguments: [String], input: String? = nil) throws -> String {
    try Program.output("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", program] + arguments, input: input)
}

/// A PostgreSQL 15 server of the test's own: a copy of the stack's pristine cluster (or a fresh
/// initdb), the given settings, a safe pg_hba.conf (`peer` for the postgres user over its unix
/// socket, scram-sha-256 over loopback TCP), a free port. `stop()` removes everything.
///
/// The postmaster runs in the foreground as a process the test holds, not through `pg_ctl start`:
/// Foundation's `Process` on Linux learns that a child ended when every holder of a socket it hands
/// the child has closed it, and a daemon started by `pg_ctl` keeps that socket, so waiting for
/// `pg_ctl` would never end.
final class PrivatePostgres {
    static let bin = "/usr/lib/postgresql/15/bin"
    static let safeHBA = """
        local  all          postgres                 peer
        local  replication  postgres                 peer
        host   all          all       127.0.0.1/32   scram-sha-256

        """

    let folder: TemporaryFolder
    let port: Int
    private let postmaster: Process
    private var helpers: [Process] = []

    var data: String { folder.path + "/data" }
    var sockets: String { folder.path + "/run" }

    init(settings: String) throws {
        let folder = try TemporaryFolder(prefix: "assay-pgchecks-pg")
        var started = false
        defer { if !started { folder.remove() } }
        chmod(folder.path, 0o755)
        self.folder = folder
        let data = folder.path + "/data", sockets = folder.path + "/run"
        try FileManager.default.createDirectory(atPath: sockets, withIntermediateDirectories: false)
        if let template = Self.template() {
            try Program.output("/bin/cp", ["-a", template, data])
        } else {
            try Program.output("/bin/chown", ["postgres:postgres", folder.path])
            try runAsPostgres(Self.bin + "/initdb", ["-D", data, "-U", "postgres", "-N", "--auth-local=peer",
                                                       "--auth-host=scram-sha-256", "--locale=C.UTF-8", "--encoding=UTF8"])
        }
        try Self.safeHBA.write(toFile: data + "/pg_hba.conf", atomically: false, encoding: .utf8)
        let base = try String(contentsOfFile: data + "/postgresql.conf", encoding: .utf8)
        try Program.output("/bin/chown", ["-R", "postgres:postgres", folder.path])
        let log = folder.path + "/postgres.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        var lastError = "never started"
        for _ in 0..<3 {
            let port = try freeLoopbackPort()
            try (base + """

                # --- assay pgchecks test server ---
                port = \(port)
                unix_socket_directories = '\(sockets)'
                listen_addresses = '127.0.0.1'
                max_connections = 30
                shared_buffers = 16MB
                \(settings)

                """).write(toFile: data + "/postgresql.conf", atomically: false, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=postgres", "--regid=postgres", "--init-groups", Self.bin + "/postgres", "-D", data]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle(forWritingAtPath: log)
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning, Date() < deadline {
                let ready = (try? Program.output(Self.bin + "/pg_isready", ["-q", "-h", sockets, "-p", String(port)])) != nil
                if ready {
                    self.port = port
                    self.postmaster = process
                    started = true
                    return
                }
                usleep(50_000)
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            lastError = (try? String(contentsOfFile: log, encoding: .utf8)) ?? "no log"
        }
        throw PostgresTestFailure(description: "postgres did not start: \(lastError.suffix(500))")
    }

    /// The stack's cached, never started initdb cluster, if there is one.
    static func template() -> String? {
        let cache = "/var/cache/assay-stack"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
        return names.sorted().filter { $0.hasPrefix("pg15-") }.map { cache + "/" + $0 }
            .first { FileManager.default.fileExists(atPath: $0 + "/PG_VERSION") }
    }

    /// Runs SQL as the postgres superuser over the unix socket (statement by statement) and returns
    /// the unaligned output.
    @discardableResult
    func psql(_ sql: String) throws -> String {
        try runAsPostgres("/usr/bin/psql", ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", sockets, "-p", String(port),
                                            "-U", "postgres", "-d", "postgres", "-f", "-"], input: sql)
    }

    /// A URL for a login over loopback TCP.
    func url(user: String, password: String, database: String = "postgres") -> String {
        "postgres://\(user):\(password)@127.0.0.1:\(port)/\(database)"
    }

    /// Replaces pg_hba.conf on disk without reloading it.
    func writeHBA(_ text: String) throws {
        try (text + "\n").write(toFile: data + "/pg_hba.conf", atomically: false, encoding: .utf8)
    }

    /// Streams WAL into the folder through `slot` with pg_receivewal, and waits until the slot is active.
    func receiveWAL(slot: String) throws {
        let wal = folder.path + "/wal"
        try FileManager.default.createDirectory(atPath: wal, withIntermediateDirectories: false)
        try Program.output("/bin/chown", ["postgres:postgres", wal])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=postgres", "--regid=postgres", "--init-groups", Self.bin + "/pg_receivewal",
                             "-h", sockets, "-p", String(port), "-U", "postgres", "-S", slot, "-D", wal, "--no-loop"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        helpers.append(process)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if try psql("SELECT active FROM pg_replication_slots WHERE slot_name = '\(slot)'") == "t" { return }
            usleep(100_000)
        }
        throw PostgresTestFailure(description: "slot \(slot) did not become active")
    }

    /// Stops the server at once, ends the helper processes and removes the folder.
    func stop() {
        // SIGQUIT is an immediate shutdown: the postmaster ends its children, then itself.
        if postmaster.isRunning { kill(postmaster.processIdentifier, SIGQUIT) }
        postmaster.waitUntilExit()
        for helper in helpers {
            if helper.isRunning { kill(helper.processIdentifier, SIGKILL) }
            helper.waitUntilExit()
        }
        folder.remove()
    }
}
