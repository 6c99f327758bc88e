import AssayCore
import AssayLua
import Foundation
import Glibc
import Logging

/// Runs a run's jobs on workers and makes sure the run ends, on time, with a finding for every
/// check it planned: one that ran, one that stopped, or one that could not be run, each saying why.
///
/// One thread, one `poll(2)` loop, no locks: workers speak over sockets (``WorkerMessage``), and
/// every decision — which job goes to which worker, which server has a free connection, which
/// deadline has passed — is taken here. Deadlines are enforced from outside the work that might
/// stall: a check that overruns its time by more than a grace period, a target whose checks
/// together overrun theirs, and the run as a whole. A worker killed at a deadline or dead of a
/// crash costs the check it was running (an `error` finding naming the cause); the target's
/// remaining checks go to a fresh worker once, and are reported as not checked if that one dies
/// too.
final class Supervisor {
    /// What the supervisor is given.
    struct Plan {
        var jobs: [Job]
        /// Every check a job may name, for the findings of checks that could not run.
        var checks: [String: CheckDescriptor]
        var context: RunContext
        var settings: RunSettings
        /// The jobs of the next phase, made once every job of this one has ended from what they
        /// discovered (the checks, once discovery has grouped the components), with the components
        /// every worker is told of.
        var next: (@Sendable (_ discovered: [ComponentCandidate]) -> (jobs: [Job], components: [Component]))?
    }

    private let plan: Plan
    private let launcher: any WorkerLauncher
    private let logger: Logger
    private let cancellation: RunCancellation
    private let secrets: SecretRegistry
    private let progress: (@Sendable (RunProgress) -> Void)?
    /// Check runs planned and finished, by target (for ``progress``).
    private var plannedRuns: [String: Int] = [:]
    private var finishedRuns: [String: Int] = [:]
    private var outcome = RunOutcome()
    private var pending: [Job]
    private var workers: [Worker] = []
    private var slots: ServerSlots
    private var targetDeadlines: [String: Deadline] = [:]
    private var acquireQueue: [(worker: ObjectIdentifier, request: Int, server: String)] = []
    private var stopping: StopReason?
    private let servers: [String: String]
    private var context: RunContext
    private var next: (@Sendable ([ComponentCandidate]) -> (jobs: [Job], components: [Component]))?
    private var discovered: [ComponentCandidate] = []
    /// How many times a target's remaining checks may move to a fresh worker.
    static let continuations = 1

    init(
        plan: Plan, launcher: any WorkerLauncher, logger: Logger, cancellation: RunCancellation, secrets: SecretRegistry,
        progress: (@Sendable (RunProgress) -> Void)? = nil
    ) {
        self.plan = plan
        self.secrets = secrets
        self.progress = progress
        self.launcher = launcher
        self.logger = logger
        self.cancellation = cancellation
        self.pending = plan.jobs
        self.context = plan.context
        self.next = plan.next
        self.slots = ServerSlots(limit: plan.settings.connectionsPerServer)
        var servers: [String: String] = [:]
        for target in plan.context.targets where plan.context.replay == nil {
            if let server = target.server { servers[target.info.name] = server }
        }
        self.servers = servers
    }

    /// The most audit connections each server had at once.
    var peakConnections: [String: Int] { slots.peak }

    func run() -> RunOutcome {
        let runDeadline = Deadline.after(plan.settings.runTimeout)
        while true {
            if stopping == nil, cancellation.isCancelled { stop(.cancelled) }
            if stopping == nil, runDeadline.hasPassed { stop(.runDeadline(plan.settings.runTimeout)) }
            enforceDeadlines()
            dispatch()
            if pending.isEmpty, !workers.contains(where: { $0.job != nil }) {
                guard stopping == nil, let next else { break }
                startNextPhase(next)
                continue
            }
            wait(until: nearestDeadline(runDeadline))
        }
        for worker in workers { close(worker) }
        for worker in workers { _ = worker.handle.reap() }
        workers = []
        return outcome
    }

    // MARK: - Dispatching

    /// Every job of a phase has ended: plan the next one and tell the workers the components.
    private func startNextPhase(_ next: @Sendable ([ComponentCandidate]) -> (jobs: [Job], components: [Component])) {
        self.next = nil
        let phase = next(discovered.sorted { $0.suggestedName < $1.suggestedName })
        pending = phase.jobs
        for job in phase.jobs { plannedRuns[job.target, default: 0] += job.runs.count }
        reportProgress()
        outcome.components = phase.components
        context.components = phase.components
        for worker in workers where worker.socketOpen { send(.components(phase.components), to: worker) }
    }

    private func dispatch() {
        guard stopping == nil else { return }
        for worker in workers where worker.isReady && worker.job == nil {
            guard let index = pending.firstIndex(where: { slots.isFree(servers[$0.target]) }) else { break }
            let job = pending.remove(at: index)
            let server = servers[job.target]
            _ = slots.take(server)
            worker.job = job
            worker.targetServer = server
            worker.done = []
            if targetDeadlines[job.target] == nil { targetDeadlines[job.target] = .after(plan.settings.targetTimeout) }
            send(.job(job), to: worker)
        }
        let admissible = pending.filter { slots.isFree(servers[$0.target]) }.count
        var waitingWorkers = workers.filter { !$0.isReady || $0.job == nil }.count
        while admissible > waitingWorkers, workers.count < plan.settings.effectiveWorkers {
            guard let handle = launcher.launch() else {
                if workers.isEmpty { failAllPending("could not start a worker (\(String(cString: strerror(errno))))") }
                return
            }
            let worker = Worker(handle: handle)
            workers.append(worker)
            send(.hello(context), to: worker)
            waitingWorkers += 1
        }
    }

    private func failAllPending(_ reason: String) {
        for job in pending { report(notChecked: job.runs, target: job.target, because: "not checked: \(reason)") }
        pending = []
    }

    // MARK: - Waiting and reading

    private func wait(until deadline: Deadline) {
        var fds: [pollfd] = []
        var owners: [(Worker, isSocket: Bool)] = []
        for worker in workers {
            if worker.socketOpen {
                fds.append(pollfd(fd: worker.handle.socket, events: Int16(POLLIN) | (worker.hasOutgoing ? Int16(POLLOUT) : 0), revents: 0))
                owners.append((worker, true))
            }
            if worker.diagnosticsOpen {
                fds.append(pollfd(fd: worker.handle.diagnostics, events: Int16(POLLIN), revents: 0))
                owners.append((worker, false))
            }
        }
        if let fd = cancellation.descriptor {
            fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        }
        let timeout = min(1000, Int32(clamping: deadline.remainingMilliseconds))
        let ready = poll(&fds, nfds_t(fds.count), timeout)
        guard ready > 0 else { return }
        for (index, (worker, isSocket)) in owners.enumerated() {
            let revents = fds[index].revents
            guard revents != 0 else { continue }
            if isSocket {
                if revents & Int16(POLLOUT) != 0 { flush(worker) }
                if revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { read(worker) }
            } else {
                readDiagnostics(worker)
            }
        }
    }

    private func read(_ worker: Worker) {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while worker.socketOpen {
            let outcome = buffer.withUnsafeMutableBytes { Descriptor.read(worker.handle.socket, into: $0) }
            switch outcome {
            case .wouldBlock:
                return
            case .endOfFile:
                workerEnded(worker)
                return
            case .bytes(let n):
                buffer.withUnsafeBytes { worker.decoder.append(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
                while worker.socketOpen {
                    let frame: JSONValue?
                    do { frame = try worker.decoder.next() } catch {
                        terminate(worker, .protocolError(error.description))
                        return
                    }
                    guard let frame else { break }
                    guard let message = WorkerMessage(json: frame) else {
                        terminate(worker, .protocolError("a message it could not read"))
                        return
                    }
                    handle(message, from: worker)
                }
            }
        }
    }

    private func readDiagnostics(_ worker: Worker) {
        var buffer = [UInt8](repeating: 0, count: 8 << 10)
        while true {
            switch buffer.withUnsafeMutableBytes({ Descriptor.read(worker.handle.diagnostics, into: $0) }) {
            case .bytes(let n): worker.noteDiagnostics(buffer[..<n])
            case .wouldBlock: return
            case .endOfFile:
                worker.diagnosticsOpen = false
                Descriptor.close(worker.handle.diagnostics)
                return
            }
        }
    }

    // MARK: - Messages

    private func handle(_ message: WorkerMessage, from worker: Worker) {
        switch message {
        case .ready:
            worker.isReady = true
        case .started(let id, let run):
            guard worker.job?.id == id else { return }
            worker.current = run
            let timeout = plan.context.limits.timeout
            worker.checkDeadline = .after(timeout + Self.grace(timeout))
        case .finished(let id, let run, let findings, let instructions, let memoryPeak):
            guard let job = worker.job, job.id == id else { return }
            outcome.findings += findings
            outcome.checkRuns += 1
            outcome.instructions += instructions
            worker.done.insert(run.key)
            if !job.discover { finishedRuns[job.target, default: 0] += 1 }
            reportProgress()
            worker.current = nil
            worker.checkDeadline = nil
            let on = run.component.map { "component \($0) (\(job.target))" } ?? job.target
            logger.debug("\(run.check) on \(on): \(findings.count) findings, \(instructions) instructions, \(memoryPeak / 1024) KiB")
        case .discovered(let id, let candidates):
            guard worker.job?.id == id else { return }
            discovered += candidates
        case .entry(_, let entry):
            outcome.add(entry)
        case .log(_, let line):
            logger.debug("\(line)")
        case .secrets(let values, let weak):
            secrets.register(values: values, weakCredentials: weak)
        case .acquire(let request, let server):
            if stopping == nil, slots.take(server) {
                worker.secondary.append(server)
                send(.grant(request: request, granted: true), to: worker)
            } else if stopping != nil {
                send(.grant(request: request, granted: false), to: worker)
            } else {
                acquireQueue.append((ObjectIdentifier(worker), request, server))
            }
        case .release(let server):
            if let index = worker.secondary.firstIndex(of: server) {
                worker.secondary.remove(at: index)
                slots.give(server)
                serveAcquireQueue()
            }
        case .done(let id, let roundTrips):
            guard let job = worker.job, job.id == id else { return }
            for (target, count) in roundTrips { outcome.roundTrips[target, default: 0] += count }
            // Checks the worker skipped (it stops a job when told to) are not silently lost.
            let missing = job.runs.filter { !worker.done.contains($0.key) }
            if !missing.isEmpty { report(notChecked: missing, target: job.target, because: "not checked: its worker stopped the job") }
            slots.give(worker.targetServer)
            worker.job = nil
            worker.targetServer = nil
            worker.current = nil
            worker.checkDeadline = nil
            serveAcquireQueue()
        }
    }

    private func reportProgress() {
        guard let progress, !plannedRuns.isEmpty else { return }
        let done = plannedRuns.filter { finishedRuns[$0.key, default: 0] >= $0.value }.count
        let running = plannedRuns.keys.filter { target in
            let finished = finishedRuns[target, default: 0]
            return finished > 0 && finished < plannedRuns[target]!
        }.sorted()
        progress(RunProgress(
            targetsDone: done, targetsTotal: plannedRuns.count, checksDone: finishedRuns.values.reduce(0, +),
            checksTotal: plannedRuns.values.reduce(0, +), running: running))
    }

    private func serveAcquireQueue() {
        var waiting: [(worker: ObjectIdentifier, request: Int, server: String)] = []
        for entry in acquireQueue {
            guard let worker = workers.first(where: { ObjectIdentifier($0) == entry.worker }), worker.socketOpen else { continue }
            if slots.take(entry.server) {
                worker.secondary.append(entry.server)
                send(.grant(request: entry.request, granted: true), to: worker)
            } else {
                waiting.append(entry)
            }
        }
        acquireQueue = waiting
    }

    // MARK: - Deadlines

    /// The grace a check gets past its own time before its worker is killed: the sandbox stops a
    /// check at its deadline by itself; the kill is for a check stuck where the sandbox cannot see.
    static func grace(_ timeout: Duration) -> Duration { .seconds(1) + timeout / 10 }

    private func nearestDeadline(_ runDeadline: Deadline) -> Deadline {
        var nearest = runDeadline
        for worker in workers {
            if let deadline = worker.checkDeadline { nearest = min(nearest, deadline) }
            if let job = worker.job, let deadline = targetDeadlines[job.target] { nearest = min(nearest, deadline) }
        }
        return nearest
    }

    private func enforceDeadlines() {
        for worker in workers where worker.socketOpen {
            guard let job = worker.job else { continue }
            if let deadline = targetDeadlines[job.target], deadline.hasPassed {
                terminate(worker, .targetDeadline(plan.settings.targetTimeout))
            } else if let check = worker.current, let deadline = worker.checkDeadline, deadline.hasPassed {
                terminate(worker, .checkDeadline(check))
            }
        }
    }

    private func stop(_ reason: StopReason) {
        stopping = reason
        outcome.noteIncomplete(reason.incompleteNote)
        for job in pending { report(notChecked: job.runs, target: job.target, because: reason.notChecked) }
        pending = []
        for worker in workers where worker.job != nil { terminate(worker, reason) }
        for entry in acquireQueue {
            if let worker = workers.first(where: { ObjectIdentifier($0) == entry.worker }) {
                send(.grant(request: entry.request, granted: false), to: worker)
            }
        }
        acquireQueue = []
    }

    // MARK: - Ending workers

    private func terminate(_ worker: Worker, _ reason: StopReason) {
        guard worker.socketOpen else { return }
        worker.stopReason = worker.stopReason ?? reason
        if worker.handle.pid != nil {
            worker.handle.kill()  // its socket reaches end of file at once, and workerEnded follows
        } else {
            workerEnded(worker)  // a thread cannot be killed: stop listening to it
        }
    }

    private func close(_ worker: Worker) {
        guard worker.socketOpen else { return }
        worker.socketOpen = false
        Descriptor.close(worker.handle.socket)
        if worker.diagnosticsOpen {
            worker.diagnosticsOpen = false
            Descriptor.close(worker.handle.diagnostics)
        }
    }

    private func workerEnded(_ worker: Worker) {
        if worker.diagnosticsOpen { readDiagnostics(worker) }
        close(worker)
        let end = worker.handle.reap()
        workers.removeAll { $0 === worker }
        for server in worker.secondary { slots.give(server) }
        worker.secondary = []
        guard let job = worker.job else { return }
        slots.give(worker.targetServer)
        let reason = worker.stopReason ?? .died(end, worker.diagnosticLine)
        if let current = worker.current {
            report(notChecked: [current], target: job.target, because: reason.stoppedCheck(plan.context.limits.timeout, isThread: worker.handle.pid == nil))
        }
        let remaining = job.runs.filter { !worker.done.contains($0.key) && $0 != worker.current }
        guard !remaining.isEmpty else { return }
        if reason.allowsContinuation, job.attempt < Self.continuations {
            pending.insert(Job(id: job.id, target: job.target, runs: remaining, discover: job.discover, attempt: job.attempt + 1), at: 0)
        } else {
            report(notChecked: remaining, target: job.target, because: reason.notChecked)
        }
        serveAcquireQueue()
    }

    // MARK: - Findings for checks that did not run to their end

    private func report(notChecked runs: [CheckRun], target: String, because message: String) {
        if message.hasPrefix("not checked"), !runs.isEmpty {
            outcome.noteIncomplete("\(target): \(runs.count) check\(runs.count == 1 ? "" : "s") \(message)")
        }
        for run in runs {
            let descriptor = plan.checks[run.check]
            outcome.findings.append(
                Finding(
                    checkID: run.check, title: descriptor?.title ?? run.check, severity: descriptor?.severity ?? .info,
                    category: descriptor?.category ?? "assay", status: .error, target: target, resource: run.component ?? target,
                    message: message, remediation: descriptor?.remediation ?? "", component: run.component))
        }
    }

    private func send(_ message: SupervisorMessage, to worker: Worker) {
        guard worker.socketOpen else { return }
        worker.enqueue(Frames.encode(message.json))
        flush(worker)
    }

    private func flush(_ worker: Worker) {
        guard worker.socketOpen else { return }
        if !worker.flush() { terminate(worker, .protocolError("its socket closed")) }
    }
}

// MARK: - Worker state

/// The supervisor's record of one worker.
private final class Worker {
    let handle: WorkerHandle
    var decoder = Frames.Decoder()
    private var outgoing: [UInt8] = []
    private var outgoingOffset = 0
    var socketOpen = true
    var diagnosticsOpen: Bool
    var isReady = false
    var job: Job?
    var targetServer: String?
    var current: CheckRun?
    var checkDeadline: Deadline?
    var done: Set<String> = []
    var secondary: [String] = []
    var stopReason: StopReason?
    private var diagnostics: [UInt8] = []

    init(handle: WorkerHandle) {
        self.handle = handle
        diagnosticsOpen = handle.diagnostics >= 0
    }

    var hasOutgoing: Bool { outgoingOffset < outgoing.count }

    func enqueue(_ frame: [UInt8]) {
        if outgoingOffset == outgoing.count {
            outgoing = frame
            outgoingOffset = 0
        } else {
            outgoing.append(contentsOf: frame)
        }
    }

    /// Writes what the socket takes now; false if the worker is gone.
    func flush() -> Bool {
        while hasOutgoing {
            let written = outgoing.withUnsafeBytes { Descriptor.send(handle.socket, UnsafeRawBufferPointer(rebasing: $0[outgoingOffset...])) }
            guard let written else { return false }
            if written == 0 { return true }
            outgoingOffset += written
        }
        return true
    }

    /// Keeps the last 8 KiB the worker wrote to standard error.
    func noteDiagnostics(_ bytes: ArraySlice<UInt8>) {
        diagnostics.append(contentsOf: bytes)
        if diagnostics.count > 8 << 10 { diagnostics.removeFirst(diagnostics.count - (8 << 10)) }
    }

    /// The line of its diagnostics that says most about a crash (Swift's "Fatal error: …"), short.
    var diagnosticLine: String? {
        let lines = String(decoding: diagnostics, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
        let line = lines.last { $0.contains("Fatal error") || $0.contains("fatal error") } ?? lines.last
        return line.map { TerminalText.printable(String($0.prefix(300))) }
    }
}

/// Why a worker was stopped, and what that means for the checks it had.
enum StopReason {
    case checkDeadline(CheckRun)
    case targetDeadline(Duration)
    case runDeadline(Duration)
    case cancelled
    case protocolError(String)
    case died(WorkerEnd, String?)

    var allowsContinuation: Bool {
        switch self {
        case .checkDeadline, .died, .protocolError: true
        case .targetDeadline, .runDeadline, .cancelled: false
        }
    }

    /// The message of the check that was running.
    func stoppedCheck(_ checkTimeout: Duration, isThread: Bool) -> String {
        switch self {
        case .checkDeadline:
            return "check stopped: it did not end within its time (\(checkTimeout), limits.check_timeout_ms) and was stuck "
                + "where the sandbox cannot stop it; " + (isThread ? "the run went on without it" : "its worker process was killed")
        case .died(let end, let line):
            return "check stopped: the worker process running it died (\(end.description))" + (line.map { ": \($0)" } ?? "")
        case .protocolError(let what):
            return "check stopped: its worker sent \(what), and was stopped"
        default:
            return notChecked
        }
    }

    /// The message of a check that never got to run.
    var notChecked: String {
        switch self {
        case .targetDeadline(let timeout):
            return "not checked: the target's time (\(timeout), limits.target_timeout_ms) ran out"
        case .runDeadline(let timeout):
            return "not checked: the run's time (\(timeout), limits.run_timeout_ms) ran out"
        case .cancelled:
            return "not checked: the run was cancelled"
        case .checkDeadline, .protocolError, .died:
            return "not checked: the worker processes auditing this target failed twice"
        }
    }

    /// Why the report is incomplete.
    var incompleteNote: String {
        switch self {
        case .runDeadline(let timeout): "the run's time (\(timeout), limits.run_timeout_ms) ran out before every check ran"
        case .cancelled: "the run was cancelled before every check ran"
        default: "some checks could not run"
        }
    }
}
