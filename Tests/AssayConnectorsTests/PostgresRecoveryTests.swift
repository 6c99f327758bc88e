import AssayConnectors
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// No poisoning: a call that fails — a parameter too many, a bad value, an error inside the
/// transaction, a timeout, a reply over its caps — fails alone, with a readable message and the
/// right kind, and the next innocent call on the same connector succeeds; nothing a call did
/// survives into the next one.
@Suite struct PostgresRecoveryTests {
    let url: String

    init() throws {
        url = try LiveStack.current().postgresURL
    }

    func innocent(_ pg: PostgresConnector, _ marker: String) -> ConnectorError? {
        timedCall(pg, "query", [.string("SELECT '\(marker)' AS innocent")], deadline: .after(.seconds(5))).error
    }

    @Test func eachFailureFailsAloneAndTheNextCallSucceeds() throws {
        let pg = PostgresConnector(url: url)
        defer { pg.close() }
        let cases: [(name: String, sql: String, params: [JSONValue], deadline: Duration, kind: ConnectorError.Kind, says: String)] = [
            ("a parameter for a statement that takes none", "SELECT 1 AS one", [5], .seconds(5), .refused,
             "takes 0 parameters and the call gave 1"),
            ("two parameters for one", "SELECT $1::int AS one", [1, 2], .seconds(5), .refused,
             "takes 1 parameter and the call gave 2"),
            ("a value of the wrong type", "SELECT $1::int AS one", ["not a number"], .seconds(5), .denied,
             "SQLSTATE 22P02: invalid input syntax for type integer"),
            ("an error inside the transaction", "SELECT 1 / (g - 1) AS boom FROM generate_series(1, 1) g", [], .seconds(5), .denied,
             "SQLSTATE 22012: division by zero"),
            ("a statement that outlives its deadline", "SELECT count(*) AS n FROM generate_series(1, 1000000000)", [],
             .milliseconds(500), .timeout, "deadline"),  // the server's statement_timeout or the client's deadline
            ("more rows than allowed", "SELECT g FROM generate_series(1, 100001) g", [], .seconds(10), .failed,
             "more than 100000 rows (limits.reply_max_rows)"),
            ("a syntax error", "SELEKT 1", [], .seconds(5), .refused, "SQLSTATE 42601"),
            ("a missing table", "SELECT * FROM no_such_table_here", [], .seconds(5), .denied, "SQLSTATE 42P01"),
        ]
        for (index, failing) in cases.enumerated() {
            let arguments: [JSONValue] = failing.params.isEmpty ? [.string(failing.sql)] : [.string(failing.sql), .array(failing.params)]
            let failure = timedCall(pg, "query", arguments, deadline: .after(failing.deadline)).error
            #expect(failure?.kind == failing.kind, "\(failing.name): \(failure?.message ?? "no error")")
            #expect(failure?.message.contains(failing.says) == true, "\(failing.name): \(failure?.message ?? "no error")")
            #expect(innocent(pg, "after \(index)") == nil, "the call after \(failing.name) failed")
        }
    }

    @Test func noSessionStateSurvivesACall() throws {
        let pg = PostgresConnector(url: url)
        defer { pg.close() }
        let pid = try #require(try pg.call("query", ["SELECT pg_backend_pid() AS pid"], deadline: .after(.seconds(5)))
            .arrayValue?.first?["pid"]?.intValue)
        // What each call set with SET LOCAL (timeouts) and began (its transaction) is gone after it.
        _ = timedCall(pg, "query", ["SELECT 1 / 0 AS boom"], deadline: .after(.seconds(5)))
        let state = try #require(try pg.call("query", ["""
            SELECT pg_backend_pid() AS pid,
                   current_setting('statement_timeout') AS statement_timeout,
                   current_setting('lock_timeout') AS lock_timeout,
                   current_setting('transaction_read_only') AS read_only,
                   (SELECT count(*) FROM pg_prepared_statements) AS prepared,
                   (SELECT count(*) FROM pg_cursors WHERE name <> '') AS cursors,
                   (SELECT count(*) FROM pg_listening_channels()) AS listening,
                   (SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory') AS advisory
            """], deadline: .after(.seconds(5))).arrayValue?.first)
        #expect(state["pid"]?.intValue == pid, "the connection was not kept after a plain SQL error")
        #expect(state["prepared"] == .int(0))
        #expect(state["cursors"] == .int(0))
        #expect(state["listening"] == .int(0))
        #expect(state["advisory"] == .int(0))
        // Inside the call the transaction is read-only with the call's own timeouts, and outside it…
        #expect(state["read_only"] == "on")
        let admin = try RawPostgres(try LiveStack.current().postgresAdminURL)
        let outside = try admin.exec("""
            SELECT state, backend_xid IS NULL, backend_xmin IS NULL FROM pg_stat_activity WHERE pid = \(pid)
            """)
        // …the session sits idle, outside any transaction, holding no transaction id or snapshot.
        #expect(outside == [["idle", "t", "t"]])
    }

    @Test func theKindsSayWhoseFaultItIs() throws {
        // The check's mistakes are refused or denied; a server that cannot be reached is unreachable;
        // a call that runs out of time is a timeout.
        let pg = PostgresConnector(url: url)
        defer { pg.close() }
        #expect(timedCall(pg, "query", ["SELECT $1", [["nested"]]], deadline: .after(.seconds(5))).error?.kind == .refused)
        #expect(timedCall(pg, "query", ["INSERT INTO x VALUES (1)"], deadline: .after(.seconds(5))).error?.kind == .denied)
        let closed = PostgresConnector(url: "postgres://assay@127.0.0.1:\(try freeLoopbackPort())/app")
        #expect(timedCall(closed, "query", ["SELECT 1"], deadline: .after(.seconds(5))).error?.kind == .unreachable)
        let slow = timedCall(pg, "query", ["SELECT pg_catalog.count(*) FROM generate_series(1, 1000000000)"],
                             deadline: .after(.milliseconds(300)))
        #expect(slow.error?.kind == .timeout)
        #expect(innocent(pg, "still fine") == nil)
    }
}
