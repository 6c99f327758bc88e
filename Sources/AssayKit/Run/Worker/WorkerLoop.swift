import AssayConnectors
import AssayCore
import Foundation

/// The worker's side of its socket to the supervisor: waits for the context, then runs the jobs it
/// is given until the supervisor closes the socket.
///
/// The same loop serves a worker process (the socket is inherited as a descriptor) and a worker
/// thread of an in-process run (one end of a socket pair), so both isolations speak one protocol.
/// A reader thread takes every message off the socket as it arrives — jobs, and the answers to
/// connection requests made while a job runs — so the supervisor's writes never wait on a check.
final class WorkerLoop: WorkerEventSink, ConnectionBroker, @unchecked Sendable {  // mutable state guarded by `condition`
    private let fd: Int32
    private let kinds: TargetKindRegistry
    /// The secrets of this worker's connectors: the run's own registry for a worker thread, one of
    /// this process's for a worker process (seeded from the context, sent back as it grows).
    private let secrets: SecretRegistry?
    private let writeLock = NSLock()
    private let condition = NSCondition()
    private var context: RunContext?
    private var components: [Component] = []
    private var jobs: [Job] = []
    private var closed = false
    private var grants: [Int: Bool] = [:]
    /// Requests the job stopped waiting for, with their servers: a late grant is given back.
    private var abandoned: [Int: String] = [:]
    private var requested: [Int: String] = [:]
    private var nextRequest = 0

    init(fd: Int32, kinds: TargetKindRegistry, secrets: SecretRegistry? = nil) {
        self.fd = fd
        self.kinds = kinds
        self.secrets = secrets
    }

    /// Runs until the supervisor closes the socket (or sends something this worker cannot read).
    func serve() {
        let reader = Thread { [self] in readMessages() }
        reader.stackSize = 1 << 20
        reader.start()
        guard let context = waitForContext() else { return }
        let registry = secrets ?? SecretRegistry()
        registry.register(values: context.secrets, weakCredentials: [])
        let runner = JobRunner(context: context, secrets: registry)
        send(.ready)
        while let (job, components) = nextJob() {
            runner.run(job, components: components, sink: self, broker: self)
        }
    }

    // MARK: - Reading

    private func readMessages() {
        var decoder = Frames.Decoder()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        reading: while true {
            let outcome = buffer.withUnsafeMutableBytes { Descriptor.read(fd, into: $0) }
            guard case .bytes(let n) = outcome else { break }
            buffer.withUnsafeBytes { decoder.append(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            while true {
                let frame: JSONValue?
                do { frame = try decoder.next() } catch { break reading }
                guard let frame else { break }
                guard let message = SupervisorMessage(json: frame, kinds: kinds) else { break reading }
                receive(message)
            }
        }
        condition.withLock {
            closed = true
            condition.broadcast()
        }
    }

    private func receive(_ message: SupervisorMessage) {
        let giveBack = condition.withLock { () -> String? in
            defer { condition.broadcast() }
            switch message {
            case .hello(let context):
                self.context = context
                components = context.components
            case .job(let job): jobs.append(job)
            case .components(let list): components = list
            case .grant(let request, let granted):
                requested[request] = nil
                if let server = abandoned.removeValue(forKey: request) {
                    return granted ? server : nil  // the job stopped waiting: give it straight back
                }
                grants[request] = granted
            }
            return nil
        }
        if let giveBack { send(.release(server: giveBack)) }
    }

    private func waitForContext() -> RunContext? {
        condition.withLock {
            while context == nil && !closed { condition.wait() }
            return context
        }
    }

    /// The next job, and the components known when it was taken.
    private func nextJob() -> (Job, [Component])? {
        condition.withLock {
            while jobs.isEmpty && !closed { condition.wait() }
            return jobs.isEmpty ? nil : (jobs.removeFirst(), components)
        }
    }

    // MARK: - WorkerEventSink

    func send(_ message: WorkerMessage) {
        let frame = Frames.encode(message.json)
        writeLock.withLock { _ = Descriptor.sendAll(fd, frame) }
    }

    var isConnected: Bool { condition.withLock { !closed } }

    // MARK: - ConnectionBroker

    func acquire(server: String, until deadline: Deadline) -> Bool {
        let request = condition.withLock { () -> Int in
            nextRequest += 1
            requested[nextRequest] = server
            return nextRequest
        }
        send(.acquire(request: request, server: server))
        return condition.withLock {
            while grants[request] == nil && !closed {
                let waitUntil = Date(timeIntervalSinceNow: Double(deadline.remainingMilliseconds) / 1000)
                if deadline.hasPassed || !condition.wait(until: waitUntil) { break }
            }
            guard let granted = grants.removeValue(forKey: request) else {
                if let server = requested.removeValue(forKey: request) { abandoned[request] = server }
                return false
            }
            return granted
        }
    }

    func release(server: String) {
        send(.release(server: server))
    }
}
