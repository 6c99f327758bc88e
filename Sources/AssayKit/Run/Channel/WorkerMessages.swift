import AssayConnectors
import AssayCore

/// What the supervisor tells a worker.
enum SupervisorMessage: Sendable {
    /// The first message: the run's targets, scripts, inputs and limits.
    case hello(RunContext)
    /// Run these checks on this target, one after another.
    case job(Job)
    /// The answer to ``WorkerMessage/acquire(request:server:)``.
    case grant(request: Int, granted: Bool)
    /// The run's components, grouped after discovery: what `ctx.component` and `ctx:components`
    /// read from now on.
    case components([Component])

    var json: JSONValue {
        switch self {
        case .hello(let context): ["t": "hello", "context": context.json]
        case .job(let job): ["t": "job", "job": job.json]
        case .grant(let request, let granted): ["t": "grant", "request": .int(Int64(request)), "granted": .bool(granted)]
        case .components(let components): ["t": "components", "components": .array(components.map(\.json))]
        }
    }

    init?(json: JSONValue, kinds: TargetKindRegistry) {
        switch json["t"]?.stringValue {
        case "hello": guard let context = json["context"].flatMap({ RunContext(json: $0, kinds: kinds) }) else { return nil }
            self = .hello(context)
        case "job": guard let job = json["job"].flatMap(Job.init(json:)) else { return nil }
            self = .job(job)
        case "grant": guard let request = json["request"]?.intValue else { return nil }
            self = .grant(request: Int(request), granted: json["granted"]?.boolValue ?? false)
        case "components": self = .components((json["components"]?.arrayValue ?? []).compactMap(Component.init(json:)))
        default: return nil
        }
    }
}

/// What a worker tells the supervisor, as it happens: the supervisor's deadlines and the
/// attribution of a crash rest on `started`/`finished` arriving before the next check begins.
enum WorkerMessage: Sendable {
    /// The context is loaded; jobs may come.
    case ready
    /// A check run began (its deadline runs from now).
    case started(job: Int, run: CheckRun)
    /// A check run ended with these findings.
    case finished(job: Int, run: CheckRun, findings: [Finding], instructions: UInt64, memoryPeak: Int)
    /// What a discovery job found: the components its target takes part in.
    case discovered(job: Int, [ComponentCandidate])
    /// A distinct connector call and its answer (only when the run records).
    case entry(job: Int, Transcript.Entry)
    /// A line for `--verbose`.
    case log(job: Int, String)
    /// The job wants a connection to a server that is not its own target's (a check reading
    /// another target): answered with ``SupervisorMessage/grant(request:granted:)``.
    case acquire(request: Int, server: String)
    /// A connection obtained with `acquire` is closed.
    case release(server: String)
    /// Every check of the job ran; the round trips each target's session made.
    case done(job: Int, roundTrips: [String: Int])
    /// Secret values this worker's connectors found, and weak credentials: the supervisor scrubs
    /// every output of them.
    case secrets(values: [String], weak: [SecretRegistry.WeakCredential])

    var json: JSONValue {
        switch self {
        case .ready: return ["t": "ready"]
        case .started(let job, let run): return ["t": "started", "job": .int(Int64(job)), "run": run.json]
        case .finished(let job, let run, let findings, let instructions, let memoryPeak):
            return [
                "t": "finished", "job": .int(Int64(job)), "run": run.json, "findings": .array(findings.map(\.json)),
                "instructions": .int(Int64(clamping: instructions)), "memory": .int(Int64(memoryPeak)),
            ]
        case .discovered(let job, let candidates):
            return ["t": "discovered", "job": .int(Int64(job)), "candidates": .array(candidates.map(\.json))]
        case .entry(let job, let entry): return ["t": "entry", "job": .int(Int64(job)), "entry": entry.json]
        case .log(let job, let line): return ["t": "log", "job": .int(Int64(job)), "line": .string(line)]
        case .acquire(let request, let server): return ["t": "acquire", "request": .int(Int64(request)), "server": .string(server)]
        case .release(let server): return ["t": "release", "server": .string(server)]
        case .done(let job, let roundTrips):
            return ["t": "done", "job": .int(Int64(job)), "round_trips": .object(roundTrips.mapValues { .int(Int64($0)) })]
        case .secrets(let values, let weak):
            return ["t": "secrets", "values": .array(values.map { .string($0) }), "weak": .array(weak.map(\.json))]
        }
    }

    init?(json: JSONValue) {
        let job = json["job"]?.intValue.map { Int($0) }
        switch json["t"]?.stringValue {
        case "ready": self = .ready
        case "started":
            guard let job, let run = json["run"].flatMap(CheckRun.init(json:)) else { return nil }
            self = .started(job: job, run: run)
        case "discovered":
            guard let job, let list = json["candidates"]?.arrayValue else { return nil }
            self = .discovered(job: job, list.compactMap(ComponentCandidate.init(json:)))
        case "finished":
            guard let job, let run = json["run"].flatMap(CheckRun.init(json:)), let list = json["findings"]?.arrayValue else { return nil }
            let findings = list.compactMap(Finding.init(json:))
            guard findings.count == list.count else { return nil }
            self = .finished(
                job: job, run: run, findings: findings, instructions: UInt64(max(0, json["instructions"]?.intValue ?? 0)),
                memoryPeak: Int(json["memory"]?.intValue ?? 0))
        case "entry":
            guard let job, let entry = json["entry"].flatMap(Transcript.Entry.init(json:)) else { return nil }
            self = .entry(job: job, entry)
        case "log":
            guard let job, let line = json["line"]?.stringValue else { return nil }
            self = .log(job: job, line)
        case "acquire":
            guard let request = json["request"]?.intValue, let server = json["server"]?.stringValue else { return nil }
            self = .acquire(request: Int(request), server: server)
        case "release":
            guard let server = json["server"]?.stringValue else { return nil }
            self = .release(server: server)
        case "secrets":
            self = .secrets(
                values: (json["values"]?.arrayValue ?? []).compactMap(\.stringValue),
                weak: (json["weak"]?.arrayValue ?? []).compactMap(SecretRegistry.WeakCredential.init(json:)))
        case "done":
            guard let job else { return nil }
            self = .done(job: job, roundTrips: (json["round_trips"]?.objectValue ?? [:]).compactMapValues { $0.intValue.map { Int($0) } })
        default: return nil
        }
    }
}
