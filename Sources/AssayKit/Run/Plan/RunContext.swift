import AssayConnectors
import AssayCore
import AssayLua

/// A target ready to be audited: its report identity, where it is, the password resolved from
/// `password_env`/`password_file` (never logged), and the server whose connection budget it uses.
struct ResolvedTarget: Sendable {
    var info: TargetInfo
    var location: String
    var password: String?
    /// `host:port` or a socket path; nil for targets that open no connection (files, replay).
    var server: String?
}

/// Everything a worker needs to run jobs, sent once when it starts: the targets of the run, the
/// check scripts that may run, the inputs and the limits.
struct RunContext: Sendable {
    /// The kinds the run knows. Not sent to worker processes: a worker uses the registry its
    /// executable serves with (``AssayWorker/serveIfRequested(arguments:kinds:)``).
    var kinds: TargetKindRegistry
    /// The secrets the supervisor knows (the run's credentials): a worker scrubs its connectors'
    /// answers of them, and of what it finds itself, which it sends back (``WorkerMessage/secrets``).
    var secrets: [String]
    var targets: [ResolvedTarget]
    var scripts: [CheckScript]
    var inputs: [String: JSONValue]
    var checkInputs: [String: [String: JSONValue]]
    var limits: SandboxLimits
    var connectorOptions: ConnectorOptions
    var sessionMemoryBytes: Int
    /// Whether workers send every distinct call and its answer (for `--record`).
    var record: Bool
    /// The recorded calls, by target name, when the run replays a transcript instead of
    /// asking live targets.
    var replay: [String: [Transcript.Entry]]?

    /// The run's components, once discovery has grouped them (empty before).
    var components: [Component] = []
    /// The check id of each of ``scripts``, in the same order (the supervisor loaded them): a
    /// worker then loads a script only once a job names its check. Empty: a worker loads them all.
    var checkIDs: [String] = []

    func target(named name: String) -> ResolvedTarget? { targets.first { $0.info.name == name } }
    func component(named name: String) -> Component? { components.first { $0.name == name } }
}

/// One run of one check: on the job's target, or on a component hosted by it.
struct CheckRun: Hashable, Sendable {
    var check: String
    /// The component the check judges, for a rule over a component's sources.
    var component: String?

    init(_ check: String, component: String? = nil) {
        self.check = check
        self.component = component
    }

    /// Unique within a job.
    var key: String { component.map { "\(check)@\($0)" } ?? check }
}

/// One target's share of the run: the check runs on it (and on the components it hosts), in
/// order — or, before the checks, the discovery of the components it takes part in. A job that lost
/// its worker (killed at a deadline, or crashed) comes back as a continuation with the runs it had left.
struct Job: Sendable {
    var id: Int
    var target: String
    var runs: [CheckRun]
    /// A discovery job: asks the target what components it takes part in, runs no check.
    var discover = false
    /// 0 for the first dispatch, then one more for each continuation.
    var attempt: Int = 0
}
