import Foundation

/// How a run spreads over workers, and the bounds that make it always end and never crowd the
/// servers it audits. `limits:` in `assay.yaml` sets them.
public struct RunSettings: Hashable, Sendable {
    /// Targets audited at the same time, each by a worker of its own (0: twice the number of
    /// cores, at least 2). `limits.workers`.
    public var workers: Int
    /// Audit connections open at the same time to one server (host and port, or socket),
    /// whatever the number of targets on it. Default 4. `limits.connections_per_server`.
    public var connectionsPerServer: Int
    /// The longest one target may take, all its checks together. Default 120 s.
    /// `limits.target_timeout_ms`.
    public var targetTimeout: Duration
    /// The longest the whole run may take; what is not done by then is reported as not checked.
    /// Default 30 min. `limits.run_timeout_ms`.
    public var runTimeout: Duration
    /// Memory one worker process may map (RLIMIT_DATA). Default 1 GiB. `limits.worker_memory_mb`.
    public var workerMemoryBytes: Int
    /// Bytes of answers one target's session may keep (the memo behind "one round trip per
    /// distinct question", and the transcript). Default 64 MiB. `limits.session_memory_mb`.
    public var sessionMemoryBytes: Int

    public init(
        workers: Int = 0, connectionsPerServer: Int = 4, targetTimeout: Duration = .seconds(120),
        runTimeout: Duration = .seconds(1800), workerMemoryBytes: Int = 1 << 30, sessionMemoryBytes: Int = 64 << 20
    ) {
        self.workers = workers
        self.connectionsPerServer = connectionsPerServer
        self.targetTimeout = targetTimeout
        self.runTimeout = runTimeout
        self.workerMemoryBytes = workerMemoryBytes
        self.sessionMemoryBytes = sessionMemoryBytes
    }

    /// ``workers``, with 0 resolved for this machine.
    var effectiveWorkers: Int {
        workers > 0 ? workers : max(2, 2 * ProcessInfo.processInfo.activeProcessorCount)
    }
}
