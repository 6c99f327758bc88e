import AssayConnectors
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// Servers that speak PostgreSQL's protocol badly (``FakePostgresServer``), one behaviour each,
/// against the PostgreSQL and PgBouncer connectors — and against `assay run` as a child process,
/// beside a healthy PostgreSQL whose findings must not change: every call ends within its
/// deadline with the right kind and a message naming the cause, and the run's peak memory stays
/// under 300 MB.
@Suite struct PostgresAdversaryTests {
    typealias Behaviour = FakePostgresServer.Behaviour

    static let options = ConnectorOptions(connectTimeout: .seconds(2), callTimeout: .seconds(3))

    /// What each behaviour must end as, and a phrase of its message.
    static let expected: [Behaviour: (kind: ConnectorError.Kind, says: String)] = [
        .neverAuthenticates: (.timeout, "within the connect timeout (2000 ms) while connecting"),
        .garbageAfterStartup: (.failed, "expected authentication request from server"),
        .hugeMessageLength: (.failed, "reply larger than 16 MiB (limits.reply_max_mb)"),
        .negativeMessageLength: (.failed, "lost synchronization with server"),
        .endlessDataRows: (.failed, "rows for a statement that returns none"),
        .drip: (.timeout, "before the call deadline"),
        .closeMidReply: (.unreachable, "server closed the connection unexpectedly"),
        .mismatchedRow: (.failed, "unexpected field count"),
        .errorFlood: (.failed, "unexpected answer from"),
        .noticeFlood: (.failed, "reply larger than 16 MiB (limits.reply_max_mb)"),
        .hugeError: (.failed, "reply larger than 16 MiB (limits.reply_max_mb)"),
        .longError: (.denied, "SQLSTATE XX000: a long error: LLLL"),
    ]

    // MARK: - The connectors

    @Test(arguments: Behaviour.allCases)
    func theConnectorEndsInTimeWithTheCause(_ behaviour: Behaviour) throws {
        let fake = try FakePostgresServer(behaviour)
        defer { fake.stop() }
        let expected = try #require(Self.expected[behaviour])
        let pg = PostgresConnector(url: fake.url(), options: Self.options)
        defer { pg.close() }
        let (failure, seconds) = timedCall(pg, "query", ["SELECT 1 AS one"], deadline: .distantFuture)
        #expect(failure?.kind == expected.kind, "\(behaviour): \(failure?.message ?? "no error")")
        #expect(failure?.message.contains(expected.says) == true, "\(behaviour): \(failure?.message ?? "no error")")
        #expect((failure?.message.utf8.count ?? 0) < 4500, "the message is cut")
        #expect(seconds < 3.5, "\(behaviour) took \(seconds) s")
        #expect(fake.acceptedCount >= 1)
    }

    @Test(arguments: Behaviour.allCases)
    func theConsoleConnectorEndsInTimeWithTheCause(_ behaviour: Behaviour) throws {
        let fake = try FakePostgresServer(behaviour)
        defer { fake.stop() }
        let expected = try #require(Self.expected[behaviour])
        let bouncer = PgBouncerConnector(url: fake.url(database: "pgbouncer"), options: Self.options)
        defer { bouncer.close() }
        let (failure, seconds) = timedCall(bouncer, "show", ["POOLS"], deadline: .distantFuture)
        // The simple protocol has no pipeline: a flood of errors is a flood of result sets.
        let (kind, says) = behaviour == .errorFlood ? (.failed, "more than 16 result sets for one query")
            : behaviour == .longError ? (.denied, "SHOW POOLS failed: SQLSTATE XX000: a long error: LLLL")
            : behaviour == .endlessDataRows ? (.failed, "more than 100000 rows (limits.reply_max_rows)") : expected
        // Endless rows end at the row cap, or — on a loaded machine, where 100 000 rows take
        // longer than the call's 3 s — at the deadline, which is checked while rows flow in.
        let deadlineFirst = behaviour == .endlessDataRows && failure?.kind == .timeout
            && failure?.message.contains("before the call deadline") == true
        #expect(failure?.kind == kind || deadlineFirst, "\(behaviour): \(failure?.message ?? "no error")")
        #expect(failure?.message.contains(says) == true || deadlineFirst, "\(behaviour): \(failure?.message ?? "no error")")
        #expect((failure?.message.utf8.count ?? 0) < 4500, "the message is cut")
        #expect(seconds < 3.5, "\(behaviour) took \(seconds) s")
    }

    // MARK: - A whole run, beside a healthy server

    @Test func runsEndInTimeAndTheHealthyServerIsUnaffected() throws {
        // A healthy private PostgreSQL with an audit login, and the findings a run of it alone gives.
        let healthy = try PostgresTestServer(settings: "autovacuum = off")
        defer { healthy.stop() }
        let password = UUID().uuidString
        try healthy.psql("""
            CREATE ROLE auditor LOGIN PASSWORD '\(password)' IN ROLE pg_monitor;
            GRANT SELECT ON pg_catalog.pg_hba_file_rules TO auditor;
            GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO auditor;
            """)
        let url = healthy.url(user: "auditor", password: password)
        let alone = try TemporaryFolder(prefix: "assay-adversary")
        defer { alone.remove() }
        let first = try Self.run(alone, targets: [("healthy", "postgres", url)])
        let baseline = try Self.findings(alone, target: "healthy")
        #expect(!baseline.isEmpty, "\(first.stderr)")
        print("adversary none: peak memory \(String(format: "%.1f", first.peakMemoryMB)) MB, "
              + "\(String(format: "%.2f", first.seconds)) s")

        for behaviour in Behaviour.allCases {
            let fake = try FakePostgresServer(behaviour)
            defer { fake.stop() }
            let folder = try TemporaryFolder(prefix: "assay-adversary")
            defer { folder.remove() }
            let run = try Self.run(folder, targets: [
                ("healthy", "postgres", url),
                ("fake-postgres", "postgres", fake.url()),
                ("fake-pgbouncer", "pgbouncer", fake.url(database: "pgbouncer")),
            ])
            print("adversary \(behaviour.rawValue): peak memory \(String(format: "%.1f", run.peakMemoryMB)) MB, "
                  + "\(String(format: "%.2f", run.seconds)) s")
            #expect(run.peakMemoryMB < 300, "\(behaviour): \(run.peakMemoryMB) MB")
            let healthyFindings = try Self.findings(folder, target: "healthy")
            let changed = Set(healthyFindings).symmetricDifference(baseline).sorted()
            #expect(healthyFindings == baseline, "\(behaviour) changed the healthy findings: \(changed)")
            for target in ["fake-postgres", "fake-pgbouncer"] {
                // The fake's URL holds a short password: that weak credential is a true finding of its own.
                let lines = try Self.findings(folder, target: target).filter { !$0.contains("ASSAY-WEAK-CREDENTIAL") }
                #expect(!lines.isEmpty, "\(behaviour) \(target): \(run.stderr)")
                #expect(lines.allSatisfy { $0.hasPrefix("error ") || $0.hasPrefix("skip ") }, "\(behaviour) \(target): \(lines)")
            }
            // Every call ended within its deadline (3 s), connecting included.
            for line in try folder.lines("transcript.jsonl").dropFirst() {
                let entry = try JSONParser.parse(line)
                let ms = entry["ms"]?.intValue ?? 0
                let call = "\(entry["target"]?.stringValue ?? "?") \(entry["operation"]?.stringValue ?? "?")"
                #expect(ms <= 3500, "\(behaviour): \(call) took \(ms) ms")
            }
        }
    }

    // MARK: - Helpers

    static func run(_ folder: TemporaryFolder, targets: [(name: String, kind: String, url: String)]) throws -> MeasuredRun {
        let config = """
            targets:
            \(targets.map { "  - { name: \($0.name), kind: \($0.kind), url: \"\($0.url)\" }" }.joined(separator: "\n"))
            limits:
              connect_timeout_ms: 2000
              call_timeout_ms: 3000
            """
        try folder.write("assay.yaml", config)
        return try MeasuredRun(MeasuredRun.assay, ["run", "--config", folder.file("assay.yaml"), "--out", folder.file("out"),
                                                   "--record", folder.file("transcript.jsonl"), "--quiet"])
    }

    /// `check status resource: message` of one target's findings, sorted.
    static func findings(_ folder: TemporaryFolder, target: String) throws -> [String] {
        let data = folder.read("out/report.json")
        guard !data.isEmpty else { throw TestFailure("no report.json") }
        return (try JSONParser.parse(data)["findings"]?.arrayValue ?? [])
            .filter { $0["target"]?.stringValue == target }
            .map { finding in
                ["status", "check_id", "resource"].map { finding[$0]?.stringValue ?? "?" }.joined(separator: " ")
                    + ": " + (finding["message"]?.stringValue ?? "")
            }
            .sorted()
    }
}

extension TemporaryFolder {
    /// The lines of a text file in the folder.
    func lines(_ name: String) throws -> [String] {
        String(decoding: read(name), as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
