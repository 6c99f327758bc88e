import AssayConnectors
import AssayCore
import AssayLua
import Foundation

/// Asks the supervisor for connections beyond the job's own target, so that no server sees more
/// audit connections than the run's budget however many jobs read it.
protocol ConnectionBroker: Sendable {
    /// Waits, until `deadline` at the latest, for a free connection to `server`; false if none came.
    func acquire(server: String, until deadline: Deadline) -> Bool
    func release(server: String)
}

/// What the checks of one job can reach: the sessions of the job's target and of any other target
/// a check asks for (opened on first use, within the connection budget), the run's inputs, and
/// the list of the run's targets.
///
/// Used by one check at a time on the job's thread (the `Sendable` conformance is the protocol's;
/// the lock only guards against a misbehaving caller).
final class JobEnvironment: CheckEnvironment, @unchecked Sendable {
    private let context: RunContext
    private let job: Job
    private let declaredInputs: [String: [String: JSONValue]]
    private let broker: any ConnectionBroker
    private let sink: any WorkerEventSink
    private let lock = NSLock()
    private var sessions: [String: TargetSession] = [:]
    /// Servers acquired from the broker for sessions of other targets.
    private var acquired: [String] = []
    /// When the running check must be done: every call gets at most what is left of it.
    private var checkDeadline = Deadline.distantFuture
    private var currentCheck = ""
    private let handleSpecs: [TargetKind: HandleSpec]
    private let secrets: SecretRegistry

    init(
        context: RunContext, job: Job, declaredInputs: [String: [String: JSONValue]], broker: any ConnectionBroker,
        sink: any WorkerEventSink, secrets: SecretRegistry
    ) {
        self.context = context
        self.job = job
        self.declaredInputs = declaredInputs
        self.broker = broker
        self.sink = sink
        self.handleSpecs = context.kinds.handles
        self.secrets = secrets
    }

    func beginCheck(_ id: String, deadline: Deadline) {
        lock.withLock {
            currentCheck = id
            checkDeadline = deadline
        }
    }

    /// Round trips per target session of this job.
    var roundTrips: [String: Int] {
        lock.withLock { sessions.mapValues(\.roundTrips) }
    }

    /// Closes every session and gives back the connections taken from the budget.
    func close() {
        let (open, servers) = lock.withLock { () -> ([TargetSession], [String]) in
            defer {
                sessions = [:]
                acquired = []
            }
            return (Array(sessions.values), acquired)
        }
        open.forEach { $0.close() }
        servers.forEach { broker.release(server: $0) }
    }

    // MARK: - CheckEnvironment

    func call(target: String, operation: String, arguments: [JSONValue], deadline: Deadline) -> HostCallResult {
        let deadline = deadline.earliest(lock.withLock { checkDeadline })
        let session: TargetSession
        switch self.session(for: target, deadline: deadline) {
        case .success(let open): session = open
        case .failure(let failure): return .failure(failure)
        }
        switch session.call(operation, arguments, deadline: deadline) {
        case .success(let value):
            guard let descriptor = context.kinds[session.info.kind] else { return .success(value, problems: []) }
            let (readable, problems) = descriptor.splitProblems(operation: operation, answer: value)
            return .success(readable, problems: problems.map { ResourceProblem(resource: $0.resource, message: $0.message) })
        case .failure(let error):
            let grade: HostCallFailure.Grade
            switch error.kind {
            case .refused: grade = .refused
            case .denied: grade = .denied
            case .unreachable, .timeout, .failed: grade = .unavailable
            }
            return .failure(HostCallFailure(grade: grade, message: "\(target): \(error.message)"))
        }
    }

    func input(check: String, name: String) -> JSONValue? {
        context.checkInputs[check]?[name] ?? context.inputs[name] ?? declaredInputs[check]?[name]
    }

    var handles: [TargetKind: HandleSpec] { handleSpecs }

    func components(kind: String?) -> [Component] {
        context.components.filter { kind == nil || $0.kind == kind }
    }

    func target(named name: String) -> TargetInfo? { context.target(named: name)?.info }

    /// The components `target` takes part in, as its kind discovers them; what it asks is asked
    /// through its session (memoized and recorded like a check's calls), within a check's time.
    func discover(_ target: ResolvedTarget) -> [ComponentCandidate] {
        guard let descriptor = context.kinds[target.info.kind], case .fromConnector(let discover) = descriptor.discovery else { return [] }
        let deadline = Deadline.after(context.limits.timeout)
        beginCheck("discovery", deadline: deadline)
        return discover(target.info) { operation, arguments in
            guard case .success(let session) = self.session(for: target.info.name, deadline: deadline) else { return nil }
            return try? session.call(operation, arguments, deadline: deadline).get()
        }
    }

    func targets(kind: TargetKind) -> [TargetInfo] {
        context.targets.map(\.info).filter { $0.kind == kind }.sorted { $0.name < $1.name }
    }

    func log(check: String, target: String, message: String) {
        sink.send(.log(job: job.id, "\(check) on \(target): \(message)"))
    }

    // MARK: - Sessions

    private func session(for name: String, deadline: Deadline) -> Result<TargetSession, HostCallFailure> {
        if let open = lock.withLock({ sessions[name] }) { return .success(open) }
        guard let target = context.target(named: name) else {
            return .failure(HostCallFailure(grade: .refused, message: "no target named '\(name)'"))
        }
        // The job's own target holds its connection from the supervisor; another target's needs one of its own.
        if name != job.target, context.replay == nil, let server = target.server {
            guard broker.acquire(server: server, until: deadline) else {
                return .failure(HostCallFailure(
                    grade: .unavailable,
                    message: "\(name): no audit connection to \(server) became free before the check's deadline "
                        + "(limits.connections_per_server)"))
            }
            lock.withLock { acquired.append(server) }
        }
        let connector: any Connector
        if let replay = context.replay {
            connector = ReplayConnector(info: target.info, entries: replay[name] ?? [])
        } else if let descriptor = context.kinds[target.info.kind] {
            let made = descriptor.makeConnector(location: target.location, password: target.password, options: context.connectorOptions)
            connector = SecretCollectingConnector(made, registry: secrets)
        } else {
            return .failure(HostCallFailure(grade: .unavailable, message: "\(name): this worker knows no target kind '\(target.info.kind)'"))
        }
        let session = TargetSession(
            info: target.info, connector: connector, callTimeout: context.connectorOptions.callTimeout,
            memoryLimit: context.sessionMemoryBytes)
        if context.record {
            let jobID = job.id
            let sink = self.sink
            session.recordEntry = { sink.send(.entry(job: jobID, $0)) }
        }
        lock.withLock { sessions[name] = session }
        return .success(session)
    }
}
