import AssayCertify
import AssayConnectors
import AssayCore
import AssayLua
import Foundation
import Logging

/// Runs an audit: loads the checks, plans a job per target, runs the jobs on workers (threads or
/// processes) under the run's deadlines and connection budget, applies waivers, scores and
/// decides the verdict.
///
/// The run always ends and always reports: a check that fails, stalls or crashes becomes an
/// `error` finding naming the cause, and checks that could not run at all are reported as "not
/// checked", with the report marked incomplete. Targets run in parallel, each on a worker of its
/// own, so a hung target never holds up the others.
///
/// ```swift
/// let result = try Auditor(configuration: configuration).run()
/// print(result.report.verdict)   // NOT CERTIFIED
/// ```
public struct Auditor: Sendable {
    /// Where checks run.
    public enum Isolation: Hashable, Sendable {
        /// On threads of this process: nothing to set up, but a check stuck in C code cannot be
        /// killed (the run goes on without it) and a crash ends the whole process.
        case threads
        /// In worker processes of `executable`, which must call
        /// ``AssayWorker/serveIfRequested(arguments:)`` first thing in `main` (the `assay` CLI
        /// does): a stuck worker is killed at its deadline, and a crash costs only the check it
        /// happened in.
        case workerProcesses(executable: String)
    }

    public var configuration: Configuration
    public var logger: Logger
    public var isolation: Isolation
    /// Whether the result carries every distinct connector call and its answer
    /// (``AuditResult/transcript``, for `--record`). Off, the transcript holds the targets only,
    /// and no answer is copied out of the workers.
    public var recordsTranscript: Bool
    /// Every secret of the run (given credentials, values the connectors find, in every worker):
    /// handed to the result, whose outputs are scrubbed with it. Share it with the logger's
    /// scrubbing handler (``ScrubbingLogHandler``).
    public var secrets: SecretRegistry
    /// Called as check runs finish (on the run's own thread; keep it quick), and once when the
    /// checks are planned: for a progress display.
    public var progress: (@Sendable (RunProgress) -> Void)?

    public init(
        configuration: Configuration, logger: Logger = Logger(label: "assay"), isolation: Isolation = .threads,
        recordsTranscript: Bool = false, secrets: SecretRegistry = SecretRegistry()
    ) {
        self.configuration = configuration
        self.logger = logger
        self.isolation = isolation
        self.recordsTranscript = recordsTranscript
        self.secrets = secrets
    }

    /// The id under which a check file that does not load is reported.
    public static let loadErrorCheckID = "ASSAY-CHECK-LOAD"

    /// Every check script of the configuration: built-in ones first (only those for the kinds
    /// given, when given), then custom folders, then the scripts given as text.
    public func scripts(kinds: Set<TargetKind>? = nil) throws(ConfigurationError) -> [CheckScript] {
        var scripts = configuration.builtinChecks ? try CheckCatalog.builtinScripts(kinds: kinds, registry: configuration.kinds) : []
        for path in configuration.checkPaths { scripts += try CheckCatalog.scripts(at: path) }
        return scripts + configuration.checkScripts
    }

    /// Runs the audit against live targets, or against a recorded transcript, and waits for it.
    public func run(replaying transcript: Transcript? = nil) throws(ConfigurationError) -> AuditResult {
        try run(replaying: transcript, cancellation: RunCancellation())
    }

    /// Runs the audit without blocking the caller's thread. Cancelling the task ends the run
    /// cleanly: workers are stopped, and the result holds what finished, every other check
    /// reported as not checked and the report marked incomplete.
    public func run(replaying transcript: Transcript? = nil) async throws(ConfigurationError) -> AuditResult {
        let cancellation = RunCancellation()
        let result: Result<AuditResult, ConfigurationError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // The supervisor blocks in poll(2): give it a thread of its own, not one of the
                // cooperative pool's. It also stays alive as long as the workers it spawns.
                let thread = Thread {
                    continuation.resume(returning: Result { () throws(ConfigurationError) in
                        try self.run(replaying: transcript, cancellation: cancellation)
                    })
                }
                thread.stackSize = 4 << 20
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try result.get()
    }

    private func run(replaying transcript: Transcript?, cancellation: RunCancellation) throws(ConfigurationError) -> AuditResult {
        let startedAt = Self.unixNow()
        CredentialRegistration.registerInputs(of: configuration, in: secrets)
        let targets = try resolveTargets(replaying: transcript)
        // The built-in folders of the kinds at hand, and of the components they may take part in.
        let kinds = Set(targets.map(\.info.kind) + targets.flatMap { configuration.kinds[$0.info.kind]?.componentKinds ?? [] }.map { TargetKind($0) })
        let (checks, problems) = CheckLoader.loadAll(try scripts(kinds: kinds), limits: configuration.limits, kinds: configuration.kinds.kinds)
        let active = checks.filter { configuration.selects($0.descriptor) }
        try InputValidation.validate(configuration, checks: checks) {
            let others = (try? self.scripts(kinds: nil).filter { script in !checks.contains { $0.script.path == script.path } }) ?? []
            return CheckLoader.loadAll(others, limits: configuration.limits, kinds: configuration.kinds.kinds).checks
        }

        // Phase 1: discovery — the components each target takes part in (live servers say it from
        // their location; folders and engines are asked, in workers, like checks). A replayed run
        // takes the components its transcript recorded.
        var located: [ComponentCandidate] = []
        var discoveryJobs: [Job] = []
        if transcript?.components == nil {
            for target in targets {
                switch configuration.kinds[target.info.kind]?.discovery {
                case .fromLocation(let discover)?: located += discover(target.info, target.location)
                case .fromConnector?: discoveryJobs.append(Job(id: discoveryJobs.count + 1, target: target.info.name, runs: [], discover: true))
                case .none?, nil: break
                }
            }
        }
        // Phase 2: the checks — a target check on every target of its kind, a component rule on
        // every component of its kind, in the job of the component's primary target.
        let targetChecks = active.filter { $0.descriptor.component == nil }
        let componentChecks = active.filter { $0.descriptor.component != nil }
        let stated = configuration.components
        let recorded = transcript?.components
        let locatedCandidates = located
        let planned = PlannedChecks()
        let firstID = discoveryJobs.count + 1
        let phase2: @Sendable ([ComponentCandidate]) -> (jobs: [Job], components: [Component]) = { discovered in
            let components = recorded ?? ComponentGrouping.group(locatedCandidates + discovered, stated: stated)
            var jobs: [Job] = []
            for target in targets {
                var runs = targetChecks.filter { $0.descriptor.needs.first == target.info.kind }.map { CheckRun($0.id) }
                for component in components where component.primaryTarget == target.info.name {
                    runs += componentChecks.filter { $0.descriptor.component == component.kind }.map { CheckRun($0.id, component: component.name) }
                }
                guard !runs.isEmpty else { continue }
                planned.add(runs.map(\.check))
                jobs.append(Job(id: firstID + jobs.count, target: target.info.name, runs: runs))
            }
            return (jobs, components)
        }
        var context = RunContext(
            kinds: configuration.kinds, secrets: secrets.values, targets: targets, scripts: active.map(\.script), inputs: configuration.inputs,
            checkInputs: configuration.checkInputs, limits: configuration.limits, connectorOptions: configuration.connectorOptions,
            sessionMemoryBytes: configuration.run.sessionMemoryBytes, record: recordsTranscript,
            replay: transcript.map { Dictionary(grouping: $0.entries, by: \.target) })
        context.checkIDs = active.map(\.id)
        let plan = Supervisor.Plan(
            jobs: discoveryJobs, checks: Dictionary(uniqueKeysWithValues: active.map { ($0.id, $0.descriptor) }), context: context,
            settings: configuration.run, next: phase2)
        let supervisor = Supervisor(
            plan: plan, launcher: launcher, logger: logger, cancellation: cancellation, secrets: secrets, progress: progress)
        var outcome = supervisor.run()
        for (server, peak) in supervisor.peakConnections.sorted(by: { $0.key < $1.key }) {
            logger.debug("\(server): at most \(peak) audit connection\(peak == 1 ? "" : "s") at once")
        }
        for component in outcome.components {
            logger.debug("component \(component.name) (\(component.kind); \(component.sourcesText)): \(component.decisions.joined(separator: "; "))")
        }
        let ran = planned.checks

        for problem in problems {
            outcome.findings.append(
                Finding(
                    checkID: Self.loadErrorCheckID, title: "Check file loads", severity: .info, category: "assay", status: .error,
                    target: "assay", resource: problem.location.path, message: problem.description,
                    remediation: "Fix the check file; `assay checks lint \(problem.location.path)` shows every problem."))
        }
        outcome.findings += WeakCredentialFindings.findings(secrets)
        let finishedAt = Self.unixNow()
        let report = ReportAssembler.assemble(
            findings: outcome.findings, checks: active.filter { ran.contains($0.id) }, targets: targets.map(\.info),
            configuration: configuration, startedAt: startedAt, finishedAt: finishedAt, incomplete: outcome.incomplete,
            components: outcome.components)
        let record = Transcript(
            tool: report.tool, targets: targets.map(\.info), entries: Array(outcome.entries.values), components: outcome.components)
        return AuditResult(report: report, transcript: record, roundTrips: outcome.roundTrips, secrets: secrets)
    }

    private var launcher: any WorkerLauncher {
        switch isolation {
        case .threads:
            return ThreadLauncher(kinds: configuration.kinds, secrets: secrets)
        case .workerProcesses(let executable):
            let cpuSeconds = Int(configuration.run.runTimeout.components.seconds) + 60
            return ProcessLauncher(
                executable: executable,
                options: WorkerOptions(memoryBytes: configuration.run.workerMemoryBytes, cpuSeconds: cpuSeconds))
        }
    }

    private func resolveTargets(replaying transcript: Transcript?) throws(ConfigurationError) -> [ResolvedTarget] {
        if let transcript {
            return transcript.targets.map { ResolvedTarget(info: $0, location: "", password: nil, server: nil) }
        }
        var resolved: [ResolvedTarget] = []
        var names: Set<String> = []
        for target in configuration.targets {
            guard names.insert(target.name).inserted else { throw ConfigurationError("two targets are named '\(target.name)'") }
            resolved.append(
                try ConnectorFactory.resolve(target, kinds: configuration.kinds, options: configuration.connectorOptions, secrets: secrets))
        }
        return resolved
    }

    static func unixNow() -> Int64 { Int64(Date().timeIntervalSince1970) }
}

/// The checks the second phase planned, handed back from the supervisor's thread.
private final class PlannedChecks: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var ids: Set<String> = []

    func add(_ checks: [String]) { lock.withLock { ids.formUnion(checks) } }
    var checks: Set<String> { lock.withLock { ids } }
}
