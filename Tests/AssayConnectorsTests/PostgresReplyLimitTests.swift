import AssayConnectors
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// Replies held to ``ReplyLimits`` while they are read, against the live PostgreSQL and PgBouncer:
/// a reply over a cap fails its call (`.failed`, naming the `limits.` key), the connection is
/// dropped (the server sees the backend go), and the next call works; long error messages are cut.
@Suite struct PostgresReplyLimitTests {
    let stack: LiveStack
    let admin: RawPostgres

    init() throws {
        stack = try LiveStack.current()
        admin = try RawPostgres(try stack.postgresAdminURL)
    }

    func connector(_ limits: ReplyLimits) throws -> PostgresConnector {
        PostgresConnector(url: try stack.postgresURL, options: ConnectorOptions(replyLimits: limits))
    }

    func pid(_ pg: PostgresConnector) throws -> Int64 {
        try #require(try pg.call("query", ["SELECT pg_backend_pid() AS pid"], deadline: .after(.seconds(5)))
            .arrayValue?.first?["pid"]?.intValue)
    }

    /// Whether the backend `pid` has gone, waiting up to 5 s (the machine may be busy).
    func gone(_ pid: Int64) throws -> Bool {
        for _ in 0..<500 {
            if try admin.value("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)") == "0" { return true }
            usleep(10_000)
        }
        return false
    }

    @Test(arguments: [
        ("SELECT repeat('x', 2 * 1024 * 1024) AS big", "reply larger than 1 MiB (limits.reply_max_mb)"),
        ("SELECT repeat('x', 200000) AS row FROM generate_series(1, 8)", "reply larger than 1 MiB (limits.reply_max_mb)"),
        ("SELECT g FROM generate_series(1, 11) g", "more than 10 rows (limits.reply_max_rows)"),
        ("SELECT 1 AS a, 2 AS b, 3 AS c, 4 AS d, 5 AS e FROM generate_series(1, 9)", "more than 40 values (limits.reply_max_elements)"),
    ])
    func overACapTheCallFailsAndTheConnectionGoes(_ sql: String, _ message: String) throws {
        let pg = try connector(ReplyLimits(bytes: 1 << 20, rows: 10, elements: 40))
        defer { pg.close() }
        let before = try pid(pg)
        let failure = timedCall(pg, "query", [.string(sql)], deadline: .after(.seconds(10))).error
        #expect(failure?.kind == .failed)
        #expect(failure?.message == message)
        #expect(try gone(before), "the connection stayed open")
        #expect(try pid(pg) != before)
    }

    @Test func underTheCapsAReplyComesWhole() throws {
        let pg = try connector(ReplyLimits(bytes: 1 << 20, rows: 10, elements: 40))
        defer { pg.close() }
        let rows = try pg.call("query", ["SELECT g, repeat('y', 50000) AS filler FROM generate_series(1, 10) g"],
                               deadline: .after(.seconds(5))).arrayValue
        #expect(rows?.count == 10)
        #expect(rows?.last?["filler"]?.stringValue?.count == 50000)
    }

    @Test func longErrorMessagesAreCut() throws {
        let pg = try connector(ReplyLimits())
        defer { pg.close() }
        // The server's message repeats the 100 000 characters it could not read as an integer.
        let failure = timedCall(pg, "query", ["SELECT repeat('x', 100000)::int AS n"], deadline: .after(.seconds(5))).error
        #expect(failure?.kind == .denied)
        let message = failure?.message ?? ""
        #expect(message.contains("invalid input syntax for type integer"))
        #expect(message.hasSuffix("… (cut at 4 KiB)"))
        #expect(message.utf8.count < 4200, "\(message.utf8.count) bytes")
    }

    @Test func theConsoleIsHeldToTheCapsToo() throws {
        let url = try stack.pgbouncerURL
        let bouncer = PgBouncerConnector(url: url, options: ConnectorOptions(replyLimits: ReplyLimits(rows: 3)))
        defer { bouncer.close() }
        let failure = timedCall(bouncer, "show", ["CONFIG"], deadline: .after(.seconds(5))).error
        #expect(failure?.kind == .failed)
        #expect(failure?.message == "more than 3 rows (limits.reply_max_rows)")
        // Reconnects and answers what fits.
        #expect(try bouncer.call("show", ["VERSION"], deadline: .after(.seconds(5))).arrayValue?.count == 1)
        let bytes = PgBouncerConnector(url: url, options: ConnectorOptions(replyLimits: ReplyLimits(bytes: 2000)))
        defer { bytes.close() }
        #expect(timedCall(bytes, "show", ["CONFIG"], deadline: .after(.seconds(5))).error?.message
            == "reply larger than 2000 bytes (limits.reply_max_mb)")
    }
}
