import AssayConnectors
import AssayCore
import AssayKit
import AssayLua
import AssayTestSupport
import Foundation
import Testing

/// The audit never crowds the audited: however many targets live on one server, it sees at most
/// `limits.connections_per_server` audit connections at once — watched from the server's side.
@Suite("The connection budget per server", .serialized)
struct ConnectionBudgetTests {
    /// Samples, from its own connection, how many audit connections the server has, every 5 ms.
    final class Sampler: @unchecked Sendable {  // `peak` and `running` guarded by `lock`
        private let lock = NSLock()
        private var peak = 0
        private var running = true
        private var thread: Thread?

        init(_ count: @escaping @Sendable () -> Int?) {
            let thread = Thread { [self] in
                while lock.withLock({ running }) {
                    if let n = count() { lock.withLock { peak = max(peak, n) } }
                    usleep(5_000)
                }
            }
            self.thread = thread
            thread.start()
        }

        func stop() -> Int {
            lock.withLock { running = false }
            usleep(20_000)
            return lock.withLock { peak }
        }
    }

    @Test func oneHundredFiftyTargetsOnOneSmallPostgreSQLAllCompleteWithinTheBudget() throws {
        let stack = try LiveStack.current()
        // Only this test's targets carry this application name (other tests audit the same server).
        let url = try stack.postgresURL + "?application_name=assay-budget"
        let observer = Unchecked(PostgresConnector(url: try stack.postgresAdminURL + "?application_name=assay-budget-sampler"))
        defer { observer.value.close() }
        let maxConnections = try observer.value.call("query", ["SELECT current_setting('max_connections')::int AS n"], deadline: .after(.seconds(5)))
        let sampler = Sampler {
            let rows = try? observer.value.call(
                "query", ["SELECT count(*) AS n FROM pg_catalog.pg_stat_activity WHERE application_name = 'assay-budget'"],
                deadline: .after(.seconds(2)))
            return rows?.arrayValue?.first?["n"]?.intValue.map { Int($0) }
        }
        var configuration = Configuration(
            targets: (1...150).map { TargetConfiguration(name: "db-\($0)", kind: .postgres, location: url) },
            include: ["PG-SSL", "PG-LOG-CONNECTIONS"])
        configuration.run.connectionsPerServer = 3
        configuration.run.workers = 8
        let result = try Auditor(configuration: configuration).run()
        let peak = sampler.stop()

        #expect(try #require(maxConnections.arrayValue?.first?["n"]?.intValue) < 150)
        #expect(peak >= 1 && peak <= 3, "the server saw \(peak) audit connections at once")
        let perTarget = Dictionary(grouping: result.report.findings, by: \.target).mapValues { $0.map { "\($0.checkID) \($0.status)" }.sorted() }
        #expect(Set(perTarget.values).count == 1, "every target reads the same")
        #expect(!result.report.findings.contains { $0.status == .error }, "\(result.report.findings.filter { $0.status == .error }.prefix(3))")
        #expect(Set(result.report.findings.map(\.target)).count == 150)
        #expect(result.report.isComplete)
    }

    @Test func manyRedisDatabasesOnOneServerStayWithinTheBudget() throws {
        let server = try RedisTestServer()  // of this test alone: no other test's clients to count
        defer { server.stop() }
        let base = "redis://127.0.0.1:\(server.port)"
        let observer = Unchecked(RedisConnector(url: base))
        defer { observer.value.close() }
        let sampler = Sampler {
            let clients = try? observer.value.call("info", ["clients"], deadline: .after(.seconds(2)))
            return clients?["clients"]?["connected_clients"]?.intValue.map { Int($0) - 1 }  // less the sampler itself
        }
        var configuration = Configuration(
            targets: (0..<48).map { TargetConfiguration(name: "cache-\($0)", kind: .redis, location: "\(base)/\($0 % 16)") },
            include: ["REDIS-NO-PERSISTENCE", "REDIS-MEMORY-CAP"])
        configuration.run.connectionsPerServer = 2
        configuration.run.workers = 6
        let result = try Auditor(configuration: configuration, isolation: .workerProcesses(executable: WorkerProcesses.executable)).run()
        let peak = sampler.stop()

        #expect(peak <= 2, "the server saw \(peak) audit connections at once")
        let errors = result.report.findings.filter { $0.status == .error }.map { "\($0.target) \($0.checkID): \($0.message)" }
        #expect(errors.isEmpty, "\(errors.prefix(5))")
        #expect(Set(result.report.findings.map(\.target)).count == 48)
    }
}

/// A connector used by one sampling thread only (after the test thread's first question).
private struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
