import AssayConnectors
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// Hostile statements from a superuser login, and what the server looks like afterwards — read
/// from outside by the test's own superuser connection: other sessions, locks, transaction ids,
/// configuration reloads and large objects are as they were, and every call is refused naming its
/// cause. Each test has a server of its own (no parallel test moves its counters; autovacuum off).
@Suite struct PostgresSideEffectTests {
    /// A private server with a superuser login for Assay, an application login, and one idle and one
    /// busy session of it (the busy one runs `pg_sleep`).
    final class Setup {
        let server: PostgresTestServer
        let auditorURL: String
        let witness: RawPostgres
        let idle: RawPostgres
        let busy: RawPostgres
        let idlePID: Int
        let busyPID: Int

        init(_ sql: String = "") throws {
            let server = try PostgresTestServer(settings: "autovacuum = off")
            self.server = server
            do {
                let password = UUID().uuidString
                try server.psql("""
                    CREATE ROLE auditor LOGIN SUPERUSER PASSWORD '\(password)';
                    CREATE ROLE victim LOGIN PASSWORD '\(password)';
                    \(sql)
                    """)
                auditorURL = server.url(user: "auditor", password: password)
                witness = try RawPostgres(server.url(user: "auditor", password: password))
                idle = try RawPostgres(server.url(user: "victim", password: password))
                busy = try RawPostgres(server.url(user: "victim", password: password))
                idlePID = Int(try idle.value("SELECT pg_backend_pid()") ?? "") ?? 0
                busyPID = Int(try busy.value("SELECT pg_backend_pid()") ?? "") ?? 0
                try busy.send("SELECT pg_sleep(600)")
                for _ in 0..<200 where try witness.value("SELECT state FROM pg_stat_activity WHERE pid = \(busyPID)") != "active" {
                    usleep(10_000)
                }
            } catch {
                server.stop()  // a server that failed to be set up is not left running
                throw error
            }
        }

        /// What a side effect would change, as the witness sees it.
        func state() throws -> [[String?]] {
            try witness.exec("""
                SELECT 'session', pid::text, state, query FROM pg_stat_activity WHERE pid IN (\(idlePID), \(busyPID))
                UNION ALL SELECT 'advisory locks', count(*)::text, NULL, NULL FROM pg_locks WHERE locktype = 'advisory'
                UNION ALL SELECT 'next xid', pg_snapshot_xmax(pg_current_snapshot())::text, NULL, NULL
                UNION ALL SELECT 'configuration loaded', pg_conf_load_time()::text, NULL, NULL
                UNION ALL SELECT 'large objects', count(*)::text, NULL, NULL FROM pg_largeobject_metadata
                UNION ALL SELECT 'prepared statements', count(*)::text, NULL, NULL FROM pg_prepared_statements
                ORDER BY 1, 2
                """)
        }

        func stop() { server.stop() }
    }

    /// Calls each statement as the superuser login; each must be refused naming `cause`, and the
    /// server's state must stay what it was before the first.
    func expectRefusedWithoutEffect(_ setup: Setup, _ cases: [(sql: String, cause: String)]) throws {
        let before = try setup.state()
        #expect(before.filter { $0[0] == "session" }.count == 2)
        let pg = PostgresConnector(url: setup.auditorURL)
        defer { pg.close() }
        #expect(try pg.call("login", [], deadline: .after(.seconds(5)))["superuser"] == .bool(true))
        for (sql, cause) in cases {
            let failure = timedCall(pg, "query", [.string(sql)], deadline: .after(.seconds(5))).error
            #expect(failure?.kind == .refused, "\(sql.debugDescription): \(failure?.message ?? "it ran")")
            #expect(failure?.message.contains(cause) == true, "\(sql.debugDescription): \(failure?.message ?? "it ran")")
            let after = try setup.state()
            #expect(after == before, "\(sql.debugDescription) changed the server: \(before) → \(after)")
        }
        // The victims are untouched: the idle one answers, the busy one still sleeps.
        #expect(try setup.idle.value("SELECT 42") == "42")
        #expect(try setup.witness.value("SELECT state FROM pg_stat_activity WHERE pid = \(setup.busyPID)") == "active")
    }

    @Test func signalsFilesLocksAndSettingsAreRefused() throws {
        let setup = try Setup()
        defer { setup.stop() }
        try expectRefusedWithoutEffect(setup, [
            ("SELECT pg_terminate_backend(\(setup.idlePID))", "pg_terminate_backend()"),
            ("SELECT pg_cancel_backend(\(setup.busyPID))", "pg_cancel_backend()"),
            ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()", "signals other"),
            ("SELECT pg_reload_conf()", "pg_reload_conf()"),
            ("SELECT 1 --\r, pg_reload_conf()", "pg_reload_conf()"),
            ("EXPLAIN (\"analyze\") SELECT pg_reload_conf()", "SQLSTATE 42601"),
            ("SELECT pg_rotate_logfile()", "pg_rotate_logfile()"),
            ("SELECT pg_advisory_lock(42)", "advisory lock"),
            ("SELECT pg_try_advisory_lock(42)", "advisory lock"),
            ("SELECT pg_advisory_lock_shared(42), 1", "advisory lock"),
            ("SELECT pg_read_file('postgresql.conf')", "reads or writes server files"),
            ("SELECT pg_read_binary_file('/etc/hostname')", "reads or writes server files"),
            ("SELECT * FROM pg_ls_dir('.') AS f", "pg_ls_dir()"),
            ("SELECT pg_stat_file('postgresql.conf')", "pg_stat_file()"),
            ("SELECT lo_import('/etc/hostname')", "lo_import()"),
            ("SELECT lo_export(1, '/tmp/assay-lo-export')", "lo_export()"),
            ("SELECT lo_get(1)", "large objects"),
            ("SELECT set_config('log_statement', 'all', false)", "changes a setting"),
            ("SELECT pg_notify('channel', 'payload')", "sends a notification"),
            ("SELECT pg_sleep(1)", "sleeps"),
            ("SELECT pg_switch_wal()", "pg_switch_wal()"),
            ("SELECT pg_create_restore_point('assay')", "pg_create_restore_point()"),
            ("SELECT query_to_xml('SELECT pg_reload_conf()', true, true, '')", "runs other SQL"),
            ("SELECT pg_stat_reset()", "resets statistics"),
            ("SELECT pg_log_backend_memory_contexts(\(setup.idlePID))", "signals other"),
        ])
        #expect(!FileManager.default.fileExists(atPath: "/tmp/assay-lo-export"))
    }

    @Test func functionsHiddenInViewsCTEsSubqueriesValuesCastsAndOperatorsAreFound() throws {
        let setup = try Setup("""
            CREATE VIEW v_reload AS SELECT pg_reload_conf() AS r;
            CREATE VIEW v_deep AS SELECT r FROM v_reload WHERE r;
            CREATE FUNCTION f_reload() RETURNS bool LANGUAGE sql VOLATILE AS 'SELECT pg_reload_conf()';
            CREATE FUNCTION f_plpgsql() RETURNS bool LANGUAGE plpgsql AS 'BEGIN RETURN pg_reload_conf(); END';
            CREATE TYPE t_evil AS (b bool);
            CREATE FUNCTION c_evil(int) RETURNS t_evil LANGUAGE plpgsql VOLATILE
              AS 'BEGIN RETURN ROW(pg_reload_conf())::t_evil; END';
            CREATE CAST (int AS t_evil) WITH FUNCTION c_evil(int);
            CREATE FUNCTION op_evil(int, int) RETURNS bool LANGUAGE plpgsql VOLATILE AS 'BEGIN RETURN pg_reload_conf(); END';
            CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = op_evil);
            CREATE FUNCTION s_evil(int, int) RETURNS int LANGUAGE plpgsql VOLATILE
              AS 'BEGIN PERFORM pg_reload_conf(); RETURN $1 + $2; END';
            CREATE AGGREGATE agg_evil(int) (SFUNC = s_evil, STYPE = int, INITCOND = '0');
            """)
        defer { setup.stop() }
        try expectRefusedWithoutEffect(setup, [
            ("SELECT * FROM v_reload", "pg_reload_conf()"),
            ("SELECT * FROM v_deep", "pg_reload_conf()"),
            ("SELECT (SELECT r FROM v_reload) AS x", "pg_reload_conf()"),
            ("SELECT relname FROM pg_class WHERE relname = (SELECT pg_reload_conf()::text)", "pg_reload_conf()"),
            ("WITH a AS (SELECT pg_reload_conf()) SELECT * FROM a", "pg_reload_conf()"),
            ("WITH a AS MATERIALIZED (SELECT f_reload()) SELECT 1 FROM a", "reload"),
            ("SELECT f_plpgsql()", "f_plpgsql()"),
            ("SELECT * FROM (VALUES (1), (pg_reload_conf()::int)) v", "pg_reload_conf"),
            ("SELECT * FROM (VALUES (1), (f_plpgsql()::int)) v", "f_plpgsql"),
            ("SELECT 1 LIMIT pg_reload_conf()::int", "pg_reload_conf"),
            ("SELECT 1 OFFSET f_plpgsql()::int", "f_plpgsql"),
            ("SELECT count(*) OVER (ROWS BETWEEN f_plpgsql()::int PRECEDING AND CURRENT ROW) FROM pg_class", "f_plpgsql"),
            ("SELECT 1::t_evil", "t_evil"),
            ("SELECT CAST(2 AS t_evil) AS x", "t_evil"),
            ("SELECT relname FROM pg_class WHERE relnatts === 1", "operator ==="),
            ("SELECT 1 OPERATOR(public.===) 1", "==="),
            ("SELECT agg_evil(x) FROM generate_series(1, 3) x", "agg_evil()"),
        ])
    }

    @Test func transactionIdsAreNotSpent() throws {
        let setup = try Setup("""
            CREATE VIEW v_xid AS SELECT txid_current() AS x;
            CREATE VIEW v_xid_planned AS SELECT oid FROM pg_class WHERE oid::int8 = txid_current();
            """)
        defer { setup.stop() }
        let nextXID = "SELECT pg_snapshot_xmax(pg_current_snapshot())"
        let before = Int(try setup.witness.value(nextXID) ?? "") ?? 0
        let pg = PostgresConnector(url: setup.auditorURL)
        defer { pg.close() }
        var statements: [String] = []
        for n in 0..<200 {
            statements += [
                "SELECT txid_current()",
                "SELECT pg_current_xact_id() AS x\(n)",
                "SELECT 1 FROM pg_class WHERE oid::int8 = txid_current() + \(n)",
                "SELECT x FROM v_xid",
                "SELECT oid FROM v_xid_planned",
            ]
        }
        for sql in statements {
            #expect(timedCall(pg, "query", [.string(sql)], deadline: .after(.seconds(5))).error?.kind == .refused, "\(sql)")
        }
        let after = Int(try setup.witness.value(nextXID) ?? "") ?? 0
        // v_xid_planned compares a column with txid_current(): PostgreSQL evaluates it while it
        // estimates, so inspecting it spends one id — once, as the refusal is cached. Nothing else does.
        #expect(after - before <= 1, "\(after - before) transaction ids spent")
        let planned = timedCall(pg, "query", ["SELECT oid FROM v_xid_planned"], deadline: .after(.seconds(5))).error
        #expect(planned?.message.contains("transaction id") == true)
    }

    @Test func aDatabaseThatCallsSideEffectsUnseenIsNotAskedAnything() throws {
        let setup = try Setup("""
            CREATE TYPE t_quiet AS (b bool);
            CREATE FUNCTION c_quiet(int) RETURNS t_quiet LANGUAGE plpgsql VOLATILE
              AS 'BEGIN RETURN ROW(pg_reload_conf())::t_quiet; END';
            CREATE CAST (int AS t_quiet) WITH FUNCTION c_quiet(int) AS IMPLICIT;
            """)
        defer { setup.stop() }
        try expectRefusedWithoutEffect(setup, [
            ("SELECT 1 AS hazard_one", "the implicit cast from integer to t_quiet goes through c_quiet(integer)"),
            ("SELECT count(*) AS hazard_two FROM pg_class", "so Assay asks it nothing"),
        ])
        try setup.server.psql("DROP CAST (int AS t_quiet)")
        // The process keeps a server's catalog for a while (per address): ask under another one.
        let pg = PostgresConnector(url: setup.auditorURL + "?application_name=assay")
        defer { pg.close() }
        #expect(try pg.call("query", ["SELECT 1 AS hazard_gone"], deadline: .after(.seconds(5))).arrayValue?.count == 1)
    }

    @Test func postgresOwnCatalogHasNoHiddenSideEffects() throws {
        // What a query can reach without naming it (casts, type input and output, operator and
        // aggregate support, planner support): none of it goes through a refused function on a
        // fresh PostgreSQL, so nothing is refused on its account.
        let setup = try Setup()
        defer { setup.stop() }
        let pg = PostgresConnector(url: setup.auditorURL)
        defer { pg.close() }
        #expect(try pg.call("query", ["SELECT 1 AS clean"], deadline: .after(.seconds(5))).arrayValue?.count == 1)
    }
}
