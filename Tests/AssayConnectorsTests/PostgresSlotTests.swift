import AssayConnectors
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// Never the last free slots: on a server of the test's own with `max_connections = 10` (3 kept
/// for superusers, so 7 for everyone else), Assay takes part only while its connection leaves at
/// least 3 free; a server that is full turns it away with its own message. Either way every check
/// of `assay run` gets that message, and nothing else.
@Suite struct PostgresSlotTests {
    final class Setup {
        let server: PostgresTestServer
        let password = UUID().uuidString
        var sessions: [RawPostgres] = []

        init() throws {
            server = try PostgresTestServer(settings: "max_connections = 10")
            do {
                try server.psql("""
                    CREATE ROLE auditor LOGIN PASSWORD '\(password)' IN ROLE pg_monitor;
                    CREATE ROLE filler LOGIN PASSWORD '\(password)';
                    """)
            } catch {
                server.stop()
                throw error
            }
        }

        var auditorURL: String { server.url(user: "auditor", password: password) }

        /// Opens sessions of another login until `count` are open.
        func hold(_ count: Int) throws {
            while sessions.count < count { sessions.append(try RawPostgres(server.url(user: "filler", password: password))) }
        }

        /// Client backends of the audit login (application_name assay), as the superuser sees them.
        func assayBackends() throws -> String? {
            try server.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'assay'")
        }

        func stop() {
            sessions = []
            server.stop()
        }
    }

    @Test func takesPartWhileEnoughSlotsStayFree() throws {
        let setup = try Setup()
        defer { setup.stop() }
        try setup.hold(3)  // 3 + Assay = 4 of 7: 3 stay free
        let pg = PostgresConnector(url: setup.auditorURL)
        defer { pg.close() }
        #expect(try pg.call("query", ["SELECT 1 AS one"], deadline: .after(.seconds(5))).arrayValue?.count == 1)
    }

    @Test func leavesWhenItWouldTakeOneOfTheLastSlots() throws {
        let setup = try Setup()
        defer { setup.stop() }
        try setup.hold(5)  // 5 + Assay = 6 of 7: 1 would stay free
        let pg = PostgresConnector(url: setup.auditorURL)
        defer { pg.close() }
        let failure = timedCall(pg, "query", ["SELECT 1 AS one"], deadline: .after(.seconds(5))).error
        #expect(failure?.kind == .unreachable)
        #expect(failure?.message.hasPrefix(
            "127.0.0.1:\(setup.server.port) has 2 of 10 connection slots free; Assay does not take the last ones") == true,
            "\(failure?.message ?? "no error")")
        // It closed its connection at once.
        var backends = try setup.assayBackends()
        for _ in 0..<100 where backends != "0" {
            usleep(10_000)
            backends = try setup.assayBackends()
        }
        #expect(backends == "0")
        // And the slot is still there for the application.
        try setup.hold(7)
    }

    @Test func aFullServerTurnsItAwayWithItsOwnMessage() throws {
        let setup = try Setup()
        defer { setup.stop() }
        try setup.hold(7)
        let pg = PostgresConnector(url: setup.auditorURL)
        defer { pg.close() }
        let failure = timedCall(pg, "query", ["SELECT 1 AS one"], deadline: .after(.seconds(5))).error
        #expect(failure?.kind == .unreachable)
        #expect(failure?.message.contains("remaining connection slots are reserved") == true
            || failure?.message.contains("too many clients") == true, "\(failure?.message ?? "no error")")
    }

    @Test func everyCheckGetsTheConnectorsMessage() throws {
        let setup = try Setup()
        defer { setup.stop() }
        try setup.hold(5)
        let folder = try TemporaryFolder(prefix: "assay-slots")
        defer { folder.remove() }
        let run = try MeasuredRun(MeasuredRun.assay, ["run", "--postgres", "tight=\(setup.auditorURL)", "--out", folder.path,
                                                      "--quiet"])
        let findings = try Self.findings(folder.file("report.json"))
        #expect(!findings.isEmpty, "\(run.stderr)")
        let errors = findings.filter { $0["status"] == "error" }
        #expect(errors.count == findings.filter { $0["status"] != "skip" }.count, "only errors (and skips)")
        for finding in errors {
            let message = finding["message"]?.stringValue ?? ""
            #expect(message.contains("connection slots free; Assay does not take the last ones"),
                    "\(finding["check_id"]?.stringValue ?? "?"): \(message)")
        }
        #expect(!findings.contains { ($0["message"]?.stringValue ?? "").contains("attempt to index") })
        #expect(!findings.contains { ($0["message"]?.stringValue ?? "").contains("is not readable by this login") })
    }

    static func findings(_ path: String) throws -> [JSONValue] {
        guard let data = FileManager.default.contents(atPath: path) else { throw TestFailure("no \(path)") }
        return try JSONParser.parse(Array(data))["findings"]?.arrayValue ?? []
    }
}
