import AssayConnectors
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// The three read-only layers against the live server: what layers 1 and 2 refuse never reaches
/// it, and what gets past them fails inside the read-only transaction, changing nothing.
@Suite struct PostgresReadOnlyTests {
    let url: String
    let admin: RawPostgres

    init() throws {
        let stack = try LiveStack.current()
        url = try stack.postgresURL
        admin = try RawPostgres(try stack.postgresAdminURL)
    }

    static let writes = [
        "INSERT INTO t VALUES (1)",
        "DELETE FROM pg_catalog.pg_class",
        "SET statement_timeout = 0",
        "SELECT 1; DROP TABLE t",
        "EXPLAIN ANALYZE SELECT 1",
    ]
    static let sideEffects = [
        "SELECT pg_sleep(5)",
        "SELECT pg_terminate_backend(pg_backend_pid())",
        "SELECT set_config('work_mem', '1GB', false)",
        "SELECT pg_advisory_lock(42)",
    ]

    @Test func refusedBeforeConnecting() throws {
        let server = try SilentListener.tcp()
        defer { server.stop() }
        let pg = PostgresConnector(url: "postgres://assay@127.0.0.1:\(server.port)/app")
        defer { pg.close() }
        for sql in Self.writes + Self.sideEffects {
            let (failure, seconds) = timedCall(pg, "query", [.string(sql)], deadline: .after(.seconds(5)))
            #expect(failure?.kind == .refused, "\(sql)")
            #expect(seconds < 0.1)
        }
        #expect(server.acceptedCount == 0)
    }

    @Test func refusedWithoutReachingAnOpenConnection() throws {
        // A table of its own: pg_stat_statements tells queries apart by the relations they read
        // (not by aliases or constants), and records a statement once it has run.
        let marker = uniqueName("assay_never_sent")
        try admin.exec("CREATE TABLE \(marker) (a int); GRANT SELECT ON \(marker) TO assay")
        defer { _ = try? admin.exec("DROP TABLE IF EXISTS \(marker)") }
        let pg = PostgresConnector(url: url)
        defer { pg.close() }
        let pid = try #require(try pg.call("query", ["SELECT pg_backend_pid() AS pid"], deadline: .after(.seconds(5)))
            .arrayValue?.first?["pid"]?.intValue)
        let activity = "SELECT state_change, query FROM pg_stat_activity WHERE pid = \(pid)"
        let before = try admin.exec(activity)
        #expect(before.count == 1)
        let refused = [
            "INSERT INTO \(marker) VALUES (1)",
            "SELECT count(*) FROM \(marker); SELECT 2",
            "EXPLAIN ANALYZE SELECT * FROM \(marker)",
            "SELECT pg_sleep(0.01) FROM \(marker)",
            "SELECT pg_terminate_backend(-1) FROM \(marker)",
            "SELECT set_config('work_mem', '1GB', false) FROM \(marker)",
            "SELECT pg_advisory_lock(42) FROM \(marker)",
        ]
        for sql in refused {
            let failure = timedCall(pg, "query", [.string(sql)], deadline: .after(.seconds(5))).error
            #expect(failure?.kind == .refused, "\(sql)")
        }
        // The backend saw nothing after the first query: same last statement, same state change.
        #expect(try admin.exec(activity) == before)
        // pg_stat_statements never saw the table read; a question that is sent shows up at once.
        let seen = """
            SELECT count(*) FROM pg_stat_statements WHERE userid = 'assay'::regrole AND query LIKE '%\(marker)%'
            """
        #expect(try admin.value(seen) == "0")
        _ = try pg.call("query", [.string("SELECT count(*) AS n FROM \(marker)")], deadline: .after(.seconds(5)))
        #expect(try admin.value(seen) == "1")
    }

    @Test func writesThatGetThroughFailInTheServer() throws {
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
        // PostgreSQL names the top-level command for a data-modifying CTE: "cannot execute SELECT …".
        let cteWrite = "cannot execute SELECT in a read-only transaction"
        let cases = [
            ("WITH x AS (INSERT INTO \(table) VALUES (2) RETURNING *) SELECT * FROM x", cteWrite),
            ("WITH x AS (DELETE FROM \(table) RETURNING *) SELECT count(*) FROM x", cteWrite),
            ("SELECT nextval('\(sequence)')", "cannot execute nextval() in a read-only transaction"),
            ("SELECT * FROM \(table) FOR UPDATE", "read-only transaction"),
            ("SELECT * INTO \(table)_copy FROM \(table)", "read-only transaction"),
        ]
        for (sql, expected) in cases {
            let failure = timedCall(pg, "query", [.string(sql)], deadline: .after(.seconds(5))).error
            #expect(failure?.kind == .refused, "\(sql)")
            #expect(failure?.message.contains(expected) == true, "\(failure?.message ?? "no error")")
            #expect(failure?.message.contains("25006") == true)
        }
        #expect(try admin.exec("SELECT a FROM \(table)") == [["1"]])
        #expect(try admin.exec("SELECT last_value, is_called FROM \(sequence)") == [["1", "f"]])
        #expect(try admin.value("SELECT to_regclass('\(table)_copy')::text") == nil)
        // The connection survived every refusal and the server's errors.
        #expect(try pg.call("query", [.string("SELECT count(*) AS n FROM \(table)")], deadline: .after(.seconds(5)))
            .arrayValue?.first?["n"] == .int(1))
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
}
