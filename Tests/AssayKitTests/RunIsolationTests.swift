import AssayCertify
import AssayConnectors
import AssayCore
import AssayLua
import AssayKit
import AssayTestSupport
import Foundation
import Glibc
import Testing

/// The run always ends and always reports, whatever happens to the workers running its checks:
/// workers are crashed, stopped and starved from outside, as the kernel or an operator would.
@Suite("A run survives its workers", .serialized)
struct RunIsolationTests {
    /// Three checks on one folder: the middle one runs until something stops it.
    static func folders(slowBody: String = "while true do end") throws -> (checks: TemporaryFolder, files: TemporaryFolder) {
        let checks = try TemporaryFolder([
            "a.lua": checkSource(id: "A-BEFORE", "ctx:pass { resource = 'a', message = 'before' }"),
            "b.lua": checkSource(id: "B-SLOW", slowBody),
            "c.lua": checkSource(id: "C-AFTER", "ctx:pass { resource = 'c', message = 'after' }"),
        ])
        let files = try TemporaryFolder(["redis.conf": "port 6379\n"])
        return (checks, files)
    }

    static func configuration(_ folders: (checks: TemporaryFolder, files: TemporaryFolder), timeout: Duration) -> Configuration {
        var configuration = Configuration(
            targets: [TargetConfiguration(name: "files", kind: .files, location: folders.files.path)], checkPaths: [folders.checks.path],
            builtinChecks: false)
        configuration.limits = SandboxLimits(memoryBytes: 16 << 20, instructions: 1 << 40, timeout: timeout)
        return configuration
    }

    /// Runs the audit on a thread of its own (not the tests' cooperative pool, which blocking
    /// tests may fill) and returns a way to wait for its result.
    static func start(_ auditor: Auditor) -> @Sendable () throws -> AuditResult {
        let box = ResultBox()
        let thread = Thread { box.set(Result { try auditor.run() }) }
        thread.start()
        return { try box.wait().get() }
    }

    static func statuses(_ result: AuditResult) -> [String: [Status]] {
        Dictionary(grouping: result.report.findings, by: \.checkID).mapValues { $0.map(\.status) }
    }

    @Test func aWorkerThatCrashesCostsOnlyTheCheckItRan() throws {
        let folders = try Self.folders()
        defer { folders.checks.remove(); folders.files.remove() }
        let auditor = Auditor(
            configuration: Self.configuration(folders, timeout: .seconds(30)),
            isolation: .workerProcesses(executable: WorkerProcesses.executable))
        let running = Self.start(auditor)
        let worker = try #require(WorkerProcesses.waitForChild(timeout: .seconds(60)))
        #expect(WorkerProcesses.waitForSpin(worker))  // A-BEFORE is done; B-SLOW spins
        kill(worker, SIGSEGV)
        let result = try running()

        #expect(Self.statuses(result) == ["A-BEFORE": [.pass], "B-SLOW": [.error], "C-AFTER": [.pass]])
        let message = result.report.findings.first { $0.checkID == "B-SLOW" }?.message ?? ""
        #expect(message.contains("the worker process running it died (signal 11 (SIGSEGV))"), "\(message)")
        #expect(result.report.isComplete)
    }

    @Test func aWorkerStuckWhereTheSandboxCannotSeeIsKilledAtTheCheckDeadline() throws {
        let folders = try Self.folders()
        defer { folders.checks.remove(); folders.files.remove() }
        let auditor = Auditor(
            configuration: Self.configuration(folders, timeout: .seconds(2)),
            isolation: .workerProcesses(executable: WorkerProcesses.executable))
        let running = Self.start(auditor)
        let worker = try #require(WorkerProcesses.waitForChild(timeout: .seconds(60)))
        // A little CPU is enough to know it spins; waiting for more lets the sandbox's own 2 s
        // deadline win the race on a loaded machine (then it is stopped from inside, not killed).
        #expect(WorkerProcesses.waitForSpin(worker, ticks: 3))
        let clock = ContinuousClock()
        let stopped = clock.now
        kill(worker, SIGSTOP)  // stuck: no instruction hook, no deadline check can run in it now
        let result = try running()
        let elapsed = clock.now - stopped

        #expect(Self.statuses(result) == ["A-BEFORE": [.pass], "B-SLOW": [.error], "C-AFTER": [.pass]])
        let message = result.report.findings.first { $0.checkID == "B-SLOW" }?.message ?? ""
        #expect(message.contains("did not end within its time") && message.contains("was killed"), "\(message)")
        // 2 s of check time and its grace (1.2 s), not a hang (the bound leaves room for load).
        #expect(elapsed < .seconds(15), "\(elapsed)")
        // The stopped worker is gone (other suites' workers may run beside this one).
        #expect(!WorkerProcesses.children().contains(worker))
    }

    @Test func aTargetThatOverrunsItsTimeReportsTheRestAsNotChecked() throws {
        let checks = try TemporaryFolder([
            "a.lua": checkSource(id: "A-BEFORE", "ctx:pass { resource = 'a', message = 'before' }"),
            "b.lua": checkSource(id: "B-SLOW", "while true do end"),
            "c.lua": checkSource(id: "C-SLOW-TOO", "while true do end"),
            "d.lua": checkSource(id: "D-AFTER", "ctx:pass { resource = 'd', message = 'after' }"),
        ])
        let files = try TemporaryFolder(["redis.conf": "port 6379\n"])
        defer { checks.remove(); files.remove() }
        var configuration = Self.configuration((checks, files), timeout: .seconds(2))
        configuration.run.targetTimeout = .seconds(3)
        let result = try Auditor(configuration: configuration, isolation: .workerProcesses(executable: WorkerProcesses.executable)).run()

        // B-SLOW uses its 2 s and is stopped by the sandbox; C-SLOW-TOO is running when the
        // target's 3 s run out; D-AFTER never starts.
        #expect(Self.statuses(result) == ["A-BEFORE": [.pass], "B-SLOW": [.error], "C-SLOW-TOO": [.error], "D-AFTER": [.error]])
        let notChecked = result.report.findings.filter { $0.message.hasPrefix("not checked: the target's time") }
        #expect(Set(notChecked.map(\.checkID)) == ["C-SLOW-TOO", "D-AFTER"])
        #expect(!result.report.isComplete)
        #expect(result.report.incomplete.contains { $0.contains("files: ") && $0.contains("not checked") }, "\(result.report.incomplete)")
    }

    @Test(arguments: [false, true]) func theRunEndsAtItsDeadlineWithEveryCheckAccountedFor(processes: Bool) throws {
        let folders = try Self.folders()
        defer { folders.checks.remove(); folders.files.remove() }
        var configuration = Self.configuration(folders, timeout: .seconds(20))
        configuration.run.runTimeout = .milliseconds(1500)
        let clock = ContinuousClock()
        let started = clock.now
        let auditor = Auditor(
            configuration: configuration, isolation: processes ? .workerProcesses(executable: WorkerProcesses.executable) : .threads)
        let result = try auditor.run()
        let elapsed = clock.now - started

        #expect(elapsed < .seconds(5), "\(elapsed)")
        #expect(Self.statuses(result) == ["A-BEFORE": [.pass], "B-SLOW": [.error], "C-AFTER": [.error]])
        #expect(result.report.findings.filter { $0.message.hasPrefix("not checked: the run's time") }.count == 2)
        #expect(result.report.incomplete.first?.contains("the run's time") == true)

        // The certification of an incomplete audit says so, in its signed body and its predicate.
        let out = try TemporaryFolder()
        defer { out.remove() }
        let written = try AuditOutput.write(result, to: out.path, includeTranscript: false, signing: .init(key: SigningKey.generate()))
        let certification = try #require(written.certification)
        #expect(String(decoding: certification.body, as: UTF8.self).contains("| Completeness | **INCOMPLETE**"))
        #expect(certification.attestation.predicate["incomplete"]?.arrayValue?.isEmpty == false)
        #expect(String(decoding: out.read("report.md"), as: UTF8.self).contains("**This audit is incomplete**"))
    }

    @Test func cancellingTheAsyncRunEndsItWithWhatFinished() async throws {
        let folders = try Self.folders()
        defer { folders.checks.remove(); folders.files.remove() }
        let auditor = Auditor(
            configuration: Self.configuration(folders, timeout: .seconds(30)),
            isolation: .workerProcesses(executable: WorkerProcesses.executable))
        let task = Task { try await auditor.run() }
        let worker = WorkerProcesses.waitForChild(timeout: .seconds(60))
        if let worker { _ = WorkerProcesses.waitForSpin(worker) }
        task.cancel()
        let result = try await task.value

        #expect(Self.statuses(result) == ["A-BEFORE": [.pass], "B-SLOW": [.error], "C-AFTER": [.error]])
        #expect(result.report.incomplete.first?.contains("cancelled") == true)
        // Its worker is gone (other suites' workers may run beside this one).
        #expect(worker.map { !WorkerProcesses.children().contains($0) } ?? true)
    }

    @Test func aCallGetsWhatIsLeftOfItsChecksTimeNotAFreshCallTimeout() throws {
        let silent = try SilentListener.tcp()
        defer { silent.stop() }
        let checks = try TemporaryFolder([
            "twice.lua": checkSource(id: "ASKS-TWICE", needs: "redis", """
                local _, first = pcall(function() return ctx.target:info("server") end)
                local _, second = pcall(function() return ctx.target:config_get("maxmemory") end)
                ctx:pass { message = "both calls returned" }
                """),
        ])
        defer { checks.remove() }
        var configuration = Configuration(
            targets: [TargetConfiguration(name: "silent", kind: .redis, location: "redis://127.0.0.1:\(silent.port)")],
            checkPaths: [checks.path], builtinChecks: false)
        configuration.limits.timeout = .seconds(2)
        configuration.connectorOptions = ConnectorOptions(connectTimeout: .seconds(10), callTimeout: .seconds(10))
        let clock = ContinuousClock()
        let started = clock.now
        let result = try Auditor(configuration: configuration).run()
        let elapsed = clock.now - started

        // Two calls of up to 10 s each would take 20 s; the check has 2 s in all.
        #expect(elapsed < .seconds(5), "\(elapsed)")
        #expect(result.report.findings.map(\.status) == [.error])
    }
}

/// A result handed from one thread to another.
private final class ResultBox: @unchecked Sendable {  // guarded by `condition`
    private let condition = NSCondition()
    private var result: Result<AuditResult, any Error>?

    func set(_ value: Result<AuditResult, any Error>) {
        condition.withLock {
            result = value
            condition.broadcast()
        }
    }

    func wait() -> Result<AuditResult, any Error> {
        condition.withLock {
            while result == nil { condition.wait() }
            return result!
        }
    }
}
