import AssayConnectors
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// What the server's inspection refuses against the live server: writes, locks and statements
/// that are no question, each with its reason, even for a superuser login; a refused statement is
/// planned, never run; what the built-in checks ask passes.
@Suite struct PostgresReadOnlyTests {
    let url: String
    let adminURL: String
    let admin: RawPostgres

    init() throws {
        let stack = try LiveStack.current()
        url = try stack.postgresURL
        adminURL = try stack.postgresAdminURL
        admin = try RawPostgres(adminURL)
    }

    /// The statement, and a phrase its refusal must hold.
    static let refusals: [(String, String)] = [
        ("INSERT INTO public.items (name) VALUES ('x')", "returns no columns"),
        ("DELETE FROM pg_catalog.pg_class", "returns no columns"),
        ("SET statement_timeout = 0", "returns no columns"),
        ("COPY (SELECT 1) TO STDOUT", "returns no columns"),
        ("SELECT 1; DROP TABLE t", "SQLSTATE 42601"),
        ("SELECT 1; SELECT 2", "SQLSTATE 42601"),
        ("EXPLAIN ANALYZE SELECT 1", "SQLSTATE 42601"),
        ("EXPLAIN (\"analyze\") SELECT 1", "SQLSTATE 42601"),
        ("SELECT 1 --\r, pg_reload_conf()", "pg_reload_conf()"),
        ("SELECT pg_sleep(5)", "pg_sleep()"),
        ("SELECT pg_terminate_backend(pg_backend_pid())", "signals other server processes"),
        ("SELECT set_config('work_mem', '1GB', false)", "changes a setting"),
        ("SELECT pg_advisory_lock(42)", "advisory lock"),
        ("SELECT * FROM pg_class FOR UPDATE", "LockRows"),
        ("SELECT txid_current()", "assigns a transaction id"),
        ("SELECT nextval('public.items_id_seq')", "changes a sequence"),
        ("SELECT 1 WHERE $1", "takes 1 parameter and the call gave 0"),
        ("", "returns no columns"),
    ]

    @Test func refusedWithTheirReasonEvenForASuperuser() throws {
        let pg = PostgresConnector(url: adminURL)
        defer { pg.close() }
        for (sql, reason) in Self.refusals {
            let failure = timedCall(pg, "query", [.string(sql)], deadline: .after(.seconds(5))).error
            #expect(failure?.kind == .refused, "\(sql): \(failure?.message ?? "no error")")
            #expect(failure?.message.contains(reason) == true, "\(sql): \(failure?.message ?? "no error")")
        }
        // The connection survived every refusal.
        #expect(try pg.call("query", ["SELECT 1 AS one"], deadline: .after(.seconds(5))).arrayValue?.count == 1)
    }

    @Test func whatTheLoginMayNotDoTheServerDenies() throws {
        // EXPLAIN checks privileges before it prints a plan: a login without them gets the server's
        // refusal, with nothing run.
        let pg = PostgresConnector(url: url)
        defer { pg.close() }
        for (sql, message) in [
            ("SELECT 1 --\r, pg_reload_conf()", "permission denied for function pg_reload_conf"),
            ("SELECT * FROM pg_class FOR UPDATE", "permission denied for table pg_class"),
            ("WITH x AS (INSERT INTO public.items (name) VALUES ('x') RETURNING id) SELECT * FROM x",
             "permission denied for table items"),
        ] {
            let failure = timedCall(pg, "query", [.string(sql)], deadline: .after(.seconds(5))).error
            #expect(failure?.kind == .denied, "\(sql)")
            #expect(failure?.message.contains(message) == true, "\(failure?.message ?? "no error")")
        }
    }

    @Test func aRefusedStatementIsPlannedNeverRun() throws {
        // A table of its own: pg_stat_statements tells queries apart by the relations they read, and
        // records a statement once it has run (the EXPLAIN that inspects it is a statement of its own).
        let marker = uniqueName("assay_never_run")
        try admin.exec("CREATE TABLE \(marker) (a int); GRANT SELECT ON \(marker) TO assay")
        defer { _ = try? admin.exec("DROP TABLE IF EXISTS \(marker)") }
        let pg = PostgresConnector(url: url)
        defer { pg.close() }
        let refused = [
            "SELECT pg_sleep(0.01) FROM \(marker)",
            "SELECT pg_terminate_backend(-1) FROM \(marker)",
            "SELECT set_config('work_mem', '1GB', false) FROM \(marker)",
            "SELECT pg_advisory_lock(42) FROM \(marker)",
            "SELECT * FROM \(marker) LIMIT pg_backend_pid() + random()::int",
        ]
        for sql in refused {
            let failure = timedCall(pg, "query", [.string(sql)], deadline: .after(.seconds(5))).error
            #expect(failure?.kind == .refused, "\(sql): \(failure?.message ?? "no error")")
        }
        let ran = """
            SELECT count(*) FROM pg_stat_statements WHERE userid = 'assay'::regrole AND query LIKE '%\(marker)%'
              AND query NOT LIKE 'EXPLAIN%'
            """
        #expect(try admin.value(ran) == "0")
        _ = try pg.call("query", [.string("SELECT count(*) AS n FROM \(marker)")], deadline: .after(.seconds(5)))
        #expect(try admin.value(ran) == "1")
    }

    @Test func writesInsideQuestionsAreRefusedByTheirPlan() throws {
        let table = uniqueName("assay_ro")
        let sequence = table + "_seq"
        try admin.exec("""
            CREATE TABLE \(table) (a int); INSERT INTO \(table) VALUES (1);
            CREATE SEQUENCE \(sequence);
            GRANT SELECT, INSERT, UPDATE, DELETE ON \(table) TO assay; GRANT USAGE, UPDATE ON \(sequence) TO assay;
            """)
        defer {
            _ = try? admin.exec("""
                SET client_min_messages = warning;
                DROP TABLE IF EXISTS \(table), \(table)_copy; DROP SEQUENCE IF EXISTS \(sequence)
                """)
        }
        let pg = PostgresConnector(url: url)
        defer { pg.close() }
        let cases = [
            ("WITH x AS (INSERT INTO \(table) VALUES (2) RETURNING *) SELECT * FROM x", "ModifyTable"),
            ("WITH x AS (DELETE FROM \(table) RETURNING *) SELECT count(*) FROM x", "ModifyTable"),
            ("UPDATE \(table) SET a = 3 RETURNING a", "ModifyTable"),
            ("SELECT nextval('\(sequence)')", "nextval()"),
            ("SELECT * FROM \(table) FOR UPDATE", "LockRows"),
            ("SELECT * FROM \(table) FOR SHARE", "LockRows"),
            // SELECT INTO is CREATE TABLE AS: no result columns.
            ("SELECT * INTO \(table)_copy FROM \(table)", "returns no columns"),
        ]
        for (sql, expected) in cases {
            let failure = timedCall(pg, "query", [.string(sql)], deadline: .after(.seconds(5))).error
            #expect(failure?.kind == .refused, "\(sql)")
            #expect(failure?.message.contains(expected) == true, "\(failure?.message ?? "no error")")
        }
        #expect(try admin.exec("SELECT a FROM \(table)") == [["1"]])
        #expect(try admin.exec("SELECT last_value, is_called FROM \(sequence)") == [["1", "f"]])
        #expect(try admin.value("SELECT to_regclass('\(table)_copy')::text") == nil)
        #expect(try pg.call("query", [.string("SELECT count(*) AS n FROM \(table)")], deadline: .after(.seconds(5)))
            .arrayValue?.first?["n"] == .int(1))
    }

    @Test func questionsPassWhateverTheirShape() throws {
        let pg = PostgresConnector(url: url)
        defer { pg.close() }
        let questions = [
            "SELECT count(*) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid",
            "SELECT pg_blocking_pids(pid) FROM pg_stat_activity",
            "WITH s AS (SELECT name, setting FROM pg_settings) SELECT * FROM s WHERE name = 'work_mem'",
            "TABLE pg_catalog.pg_roles",
            "VALUES (1, 'a'), (2, 'b')",
            "SELECT * FROM pg_prepared_xacts",
            "SELECT pg_is_in_recovery(), pg_current_wal_lsn(), clock_timestamp() > now() - interval '1 hour'",
            "SELECT row_number() OVER (ORDER BY oid ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM pg_class LIMIT 3",
            "SELECT query FROM pg_stat_activity WHERE query LIKE '%pg_sleep(%' OR query ~ 'pg_terminate_backend'",
            "SELECT pg_size_pretty(pg_database_size(current_database()))",
            "SHOW work_mem",
            "show ALL",
        ]
        for sql in questions {
            let failure = timedCall(pg, "query", [.string(sql)], deadline: .after(.seconds(5))).error
            #expect(failure == nil, "\(sql): \(failure?.message ?? "")")
        }
        let show = try pg.call("query", ["SHOW work_mem"], deadline: .after(.seconds(5)))
        #expect(show.arrayValue?.first?["work_mem"]?.stringValue?.hasSuffix("B") == true)
    }

    @Test func statementTimeoutFromTheDeadline() throws {
        let marker = uniqueName("slow")
        let pg = PostgresConnector(url: url)
        defer { pg.close() }
        let slow = "SELECT count(*) AS \(marker) FROM generate_series(1, 2000000000)"
        let (failure, seconds) = timedCall(pg, "query", [.string(slow)], deadline: .after(.milliseconds(800)))
        #expect(failure?.kind == .timeout)
        #expect(seconds >= 0.6 && seconds < 1.8, "took \(seconds) s")
        // The server stopped the statement too, and the connector reconnects on the next call.
        var running = 1
        for _ in 0..<40 where running > 0 {
            running = Int(try admin.value("""
                SELECT count(*) FROM pg_stat_activity
                WHERE state = 'active' AND query LIKE '%\(marker)%' AND pid <> pg_backend_pid()
                """) ?? "1") ?? 1
            if running > 0 { usleep(50_000) }
        }
        #expect(running == 0)
        #expect(try pg.call("query", ["SELECT 1 AS one"], deadline: .after(.seconds(5))).arrayValue?.count == 1)
    }

    @Test func refusalsThatNeedNoServerSendNothing() throws {
        let server = try SilentListener.tcp()
        defer { server.stop() }
        let pg = PostgresConnector(url: "postgres://assay@127.0.0.1:\(server.port)/app")
        defer { pg.close() }
        for sql in ["SELECT txid_current()", "SELECT U&\"\\0074xid_current\"()", "SHOW work_mem; SELECT 1"] {
            let (failure, seconds) = timedCall(pg, "query", [.string(sql)], deadline: .after(.seconds(5)))
            #expect(failure?.kind == .refused, "\(sql)")
            #expect(seconds < 0.1)
        }
        #expect(server.acceptedCount == 0)
    }
}
