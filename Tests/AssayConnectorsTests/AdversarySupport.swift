import AssayCore
import AssayTestSupport
import Foundation
import Testing

@testable import AssayConnectors

/// What the adversary tests share: timing a call, and a healthy target asked again and again
/// while an adversary is at work, whose answers must not change.
enum Adversary {
    /// Runs `body`, expecting a ConnectorError; the error and the seconds it took.
    static func failure(_ body: () throws(ConnectorError) -> JSONValue) -> (error: ConnectorError?, seconds: Double) {
        let start = Deadline.monotonicNanoseconds()
        var caught: ConnectorError?
        do { _ = try body() } catch { caught = error }
        return (caught, Double(Deadline.monotonicNanoseconds() - start) / 1e9)
    }

    /// Asks `healthy` once for a baseline, then again and again on a thread of its own while
    /// `adversary` runs, and once more after it; records an issue for every answer that differs
    /// from the baseline or fails. Returns how many times the healthy target answered.
    @discardableResult
    static func beside(
        healthy: @escaping @Sendable () throws -> JSONValue, _ adversary: () -> Void,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Int {
        let baseline: JSONValue
        do {
            baseline = try healthy()
        } catch {
            Issue.record("the healthy target failed before the adversary started: \(error)", sourceLocation: sourceLocation)
            return 0
        }
        let watcher = HealthyWatcher(baseline: baseline, ask: healthy)
        watcher.start()
        adversary()
        let (answers, differences) = watcher.stop()
        for difference in differences.prefix(3) {
            Issue.record("the healthy target's answer changed: \(difference)", sourceLocation: sourceLocation)
        }
        do {
            let after = try healthy()
            #expect(after == baseline, "the healthy target's answer after the adversary", sourceLocation: sourceLocation)
        } catch {
            Issue.record("the healthy target failed after the adversary: \(error)", sourceLocation: sourceLocation)
        }
        return answers
    }

    /// The `assay-reply-probe` binary next to the test bundle (swift build --build-tests builds it).
    static var probe: String {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [here, here.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("assay-reply-probe").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return RepositoryPaths.root.appendingPathComponent(".build/debug/assay-reply-probe").path
    }

    /// One call by `assay-reply-probe` in a child process: its outcome line and peak RSS in MiB.
    static func callInChild(
        _ kind: String, url: String, _ operation: [String], deadlineMS: Int, environment: [String: String]? = nil
    ) throws -> (outcome: String, peakMiB: Double) {
        let result = try Program.run(
            probe, ["call", kind, url] + operation + ["--deadline-ms", String(deadlineMS)], environment: environment)
        guard result.status == 0 else {
            throw TestFailure("assay-reply-probe exited with \(result.status): \(result.stderr.suffix(300))")
        }
        let lines = result.stdout.split(separator: "\n")
        let outcome = lines.first { $0.hasPrefix("call ") }.map { String($0.split(separator: " ", maxSplits: 2)[2]) }
        let peak = lines.first { $0.hasPrefix("peak_rss_kb ") }.flatMap { Int($0.split(separator: " ")[1]) }
        guard let outcome, let peak else { throw TestFailure("assay-reply-probe printed: \(result.stdout.prefix(300))") }
        return (outcome, Double(peak) / 1024)
    }
}

/// Asks a healthy target on a thread of its own until stopped.
private final class HealthyWatcher: @unchecked Sendable {  // mutable state guarded by `lock`
    private let baseline: JSONValue
    private let ask: @Sendable () throws -> JSONValue
    private let lock = NSLock()
    private var stopping = false
    private var answers = 0
    private var differences: [String] = []
    private let done = DispatchSemaphore(value: 0)

    init(baseline: JSONValue, ask: @escaping @Sendable () throws -> JSONValue) {
        self.baseline = baseline
        self.ask = ask
    }

    func start() {
        Thread { [self] in
            defer { done.signal() }
            while true {
                lock.lock()
                let stop = stopping
                lock.unlock()
                if stop { return }
                let difference: String?
                do {
                    let answer = try ask()
                    difference = answer == baseline ? nil : "\(JSONWriter().string(answer).prefix(200))"
                } catch {
                    difference = "failed: \(error)"
                }
                lock.lock()
                answers += 1
                if let difference { differences.append(difference) }
                lock.unlock()
                usleep(20_000)
            }
        }.start()
    }

    func stop() -> (answers: Int, differences: [String]) {
        lock.lock()
        stopping = true
        lock.unlock()
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        return (answers, differences)
    }
}
