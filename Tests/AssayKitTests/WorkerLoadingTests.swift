import AssayConnectors
import AssayCore
import AssayLua
import Foundation
import Testing

@testable import AssayKit

/// A worker loads a check only once a job names it: the checks of kinds it never audits, or left
/// out by `--only`, cost it nothing.
@Suite("Workers load only the checks their jobs need")
struct WorkerLoadingTests {
    final class Sink: WorkerEventSink, ConnectionBroker, @unchecked Sendable {  // `messages` guarded by `lock`
        private let lock = NSLock()
        private var messages: [WorkerMessage] = []
        func send(_ message: WorkerMessage) { lock.withLock { messages.append(message) } }
        var isConnected: Bool { true }
        func acquire(server: String, until deadline: Deadline) -> Bool { true }
        func release(server: String) {}
        var findings: [Finding] {
            lock.withLock {
                messages.flatMap { message -> [Finding] in
                    if case .finished(_, _, let findings, _, _) = message { return findings }
                    return []
                }
            }
        }
    }

    static func script(_ id: String, body: String = "ctx:pass()") -> CheckScript {
        CheckScript(path: "\(id).lua", source: Array("""
            return assay.check {
              id = "\(id)", title = "A check", severity = "low", category = "security", needs = { "files" },
              run = function(ctx) \(body) end,
            }
            """.utf8))
    }

    static func context(_ scripts: [CheckScript], ids: [String]) -> RunContext {
        let folder = FileManager.default.temporaryDirectory.path
        var context = RunContext(
            kinds: .builtin, secrets: [],
            targets: [ResolvedTarget(info: TargetInfo(name: "folder", kind: .files, address: "file://\(folder)"), location: folder, password: nil, server: nil)],
            scripts: scripts, inputs: [:], checkInputs: [:], limits: SandboxLimits(), connectorOptions: ConnectorOptions(),
            sessionMemoryBytes: 1 << 20, record: false, replay: nil)
        context.checkIDs = ids
        return context
    }

    @Test func aJobLoadsOnlyItsOwnChecks() {
        let scripts = [Self.script("TEST-A"), Self.script("TEST-B"), Self.script("TEST-C")]
        let runner = JobRunner(context: Self.context(scripts, ids: ["TEST-A", "TEST-B", "TEST-C"]), secrets: SecretRegistry())
        #expect(runner.loadedChecks.isEmpty, "nothing is loaded before a job needs it")
        let sink = Sink()
        runner.run(Job(id: 1, target: "folder", runs: [CheckRun("TEST-B")]), components: [], sink: sink, broker: sink)
        #expect(runner.loadedChecks == ["TEST-B"])
        #expect(sink.findings.map { "\($0.checkID) \($0.status)" } == ["TEST-B pass"])
    }

    @Test func aScriptThatNoLongerDeclaresItsCheckIsReported() {
        let runner = JobRunner(context: Self.context([Self.script("TEST-RENAMED")], ids: ["TEST-A"]), secrets: SecretRegistry())
        let sink = Sink()
        runner.run(Job(id: 1, target: "folder", runs: [CheckRun("TEST-A")]), components: [], sink: sink, broker: sink)
        let finding = sink.findings.first
        #expect(finding?.status == .error)
        #expect(finding?.message.contains("now declares TEST-RENAMED") == true, "\(finding?.message ?? "")")
    }

    @Test func withoutIDsEveryScriptIsLoadedUpFront() {
        let runner = JobRunner(context: Self.context([Self.script("TEST-A"), Self.script("TEST-B")], ids: []), secrets: SecretRegistry())
        #expect(runner.loadedChecks == ["TEST-A", "TEST-B"])
    }
}
