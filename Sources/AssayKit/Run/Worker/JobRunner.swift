import AssayConnectors
import AssayCore
import AssayLua

/// Where a worker's messages go: the socket to the supervisor.
protocol WorkerEventSink: Sendable {
    func send(_ message: WorkerMessage)
    /// False once the supervisor has gone (or given up on this worker): the job stops early.
    var isConnected: Bool { get }
}

/// Runs jobs in this process: each check of a job, one after another, on the job's target, and
/// reports each check as it starts and ends so that the supervisor can hold it to its deadline and
/// knows, if this process dies, which check it died in.
final class JobRunner {
    let context: RunContext
    /// The checks loaded so far, by id.
    private var checks: [String: Check] = [:]
    /// The script of each check id, when the supervisor named them: loaded when first needed.
    private let scriptsByCheck: [String: CheckScript]?
    /// Scripts that failed to load here although the supervisor loaded them (a changed file).
    private var loadProblems: [String: String] = [:]
    private let secrets: SecretRegistry
    /// How many secrets the supervisor has heard of from this worker.
    private var reportedSecrets = (values: 0, weak: 0)

    /// Prepares the context's scripts (the supervisor has validated them; they are loaded again
    /// here because a check's `run` function lives only inside a Lua state of this process). When
    /// the context names each script's check, a script is loaded only once a job needs it: a
    /// worker that audits only Redis never loads a PostgreSQL check.
    init(context: RunContext, secrets: SecretRegistry) {
        self.context = context
        self.secrets = secrets
        if context.checkIDs.count == context.scripts.count {
            scriptsByCheck = Dictionary(zip(context.checkIDs, context.scripts), uniquingKeysWith: { first, _ in first })
        } else {
            scriptsByCheck = nil
            for script in context.scripts { load(script, as: nil) }
        }
    }

    /// The ids of the checks loaded so far.
    var loadedChecks: Set<String> { Set(checks.keys) }

    /// The check `id`, loaded now if it was not yet.
    private func check(_ id: String) -> Check? {
        if let check = checks[id] { return check }
        guard let script = scriptsByCheck?[id], loadProblems[script.path] == nil else { return nil }
        load(script, as: id)
        return checks[id]
    }

    private func load(_ script: CheckScript, as expected: String?) {
        switch CheckLoader.load(script, limits: context.limits) {
        case .success(let check) where expected == nil || check.id == expected:
            checks[check.id] = check
        case .success(let check):
            loadProblems[script.path] = "\(script.path) now declares \(check.id), not \(expected ?? "")"
        case .failure(let error):
            loadProblems[script.path] = error.description
        }
    }

    /// Runs a job with the components known now (the supervisor sends them once discovery is done).
    func run(_ job: Job, components: [Component], sink: any WorkerEventSink, broker: any ConnectionBroker) {
        var context = self.context
        context.components = components
        let jobChecks = Dictionary(job.runs.compactMap { run in check(run.check).map { (run.check, $0) } }, uniquingKeysWith: { first, _ in first })
        let environment = JobEnvironment(
            context: context, job: job, declaredInputs: jobChecks.mapValues(\.declaredInputs), broker: broker, sink: sink,
            secrets: secrets)
        guard let target = context.target(named: job.target) else {
            sink.send(.done(job: job.id, roundTrips: [:]))
            return
        }
        if job.discover {
            let candidates = environment.discover(target)
            reportSecrets(to: sink)
            sink.send(.discovered(job: job.id, candidates))
        }
        for run in job.runs {
            guard sink.isConnected else {
                environment.close()
                return
            }
            sink.send(.started(job: job.id, run: run))
            guard let check = jobChecks[run.check] else {
                let reason = loadProblems.values.sorted().joined(separator: "; ")
                sink.send(.finished(
                    job: job.id, run: run,
                    findings: [Finding(
                        checkID: run.check, title: run.check, severity: .info, category: "assay", status: .error, target: job.target,
                        resource: job.target, message: "the check did not load in its worker" + (reason.isEmpty ? "" : ": \(reason)"),
                        component: run.component)],
                    instructions: 0, memoryPeak: 0))
                continue
            }
            environment.beginCheck(run.check, deadline: .after(context.limits.timeout))
            let component = run.component.flatMap(context.component(named:))
            let outcome = CheckRunner.run(check, on: target.info, component: component, environment: environment, limits: context.limits)
            reportSecrets(to: sink)  // before the findings that may hold them
            sink.send(.finished(
                job: job.id, run: run, findings: outcome.findings, instructions: outcome.instructions,
                memoryPeak: outcome.memoryPeak))
        }
        reportSecrets(to: sink)
        // Connections close before the supervisor hears of the end and gives their slots to others.
        let roundTrips = environment.roundTrips
        environment.close()
        sink.send(.done(job: job.id, roundTrips: roundTrips))
    }

    /// Sends the secrets found since the last report, if any.
    private func reportSecrets(to sink: any WorkerEventSink) {
        let values = secrets.values
        let weak = secrets.weakCredentials
        guard values.count != reportedSecrets.values || weak.count != reportedSecrets.weak else { return }
        reportedSecrets = (values.count, weak.count)
        sink.send(.secrets(values: values, weak: weak))
    }
}
