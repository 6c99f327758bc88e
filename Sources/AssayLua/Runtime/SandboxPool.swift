import AssayCore
import Foundation

/// Used sandboxes kept for the next check run, so that a run costs a reset instead of a new Lua
/// state: opening one builds the allocator, the string table and the registry from nothing.
///
/// A state comes back only from a check that ended on its own (a stopped one — memory,
/// instructions, deadline, host — is closed), and goes out again only after
/// ``LuaSandbox/reset(limits:deadline:host:)`` rebuilt its globals, string metatable and registry
/// and collected everything else, and only when that left it no bigger than a fresh state (a
/// check that grew the registry to thousands of references makes its state too big to keep: Lua
/// never shrinks a table). `PoolIsolationTests` prove that nothing of one check reaches the next.
///
/// Thread-safe: each state belongs to one caller between ``take(limits:deadline:host:)`` and
/// ``recycle(_:)``.
final class SandboxPool: @unchecked Sendable {  // `idle` guarded by `lock`
    /// The pool every check run and check load of this process shares: twice as many idle states
    /// as cores, or `$ASSAY_SANDBOX_POOL` (0 turns pooling off: every run opens a new state, as
    /// `scripts/bench` compares).
    static let shared = SandboxPool(
        capacity: ProcessInfo.processInfo.environment["ASSAY_SANDBOX_POOL"].flatMap { Int($0) }.map { max(0, $0) }
            ?? 2 * max(2, ProcessInfo.processInfo.activeProcessorCount))

    /// How many idle states are kept at most.
    let capacity: Int
    private let lock = NSLock()
    private var idle: [LuaSandbox] = []
    private var counts = (reused: 0, opened: 0, dropped: 0)

    init(capacity: Int) { self.capacity = capacity }

    /// Bytes a reset state may hold beyond a fresh one before it is dropped instead of reused.
    static let slackBytes = 64 << 10

    /// The heap of a state as a reset leaves it when nothing grew: a fresh state that ran the
    /// prelude (which it keeps loaded) and was reset. What a reset state is compared with.
    static let freshBytes: Int = {
        let host: LuaSandbox.HostHandler = { _ in .values([]) }
        guard let sandbox = LuaSandbox(limits: SandboxLimits(), deadline: .after(.seconds(10)), host: host) else { return 0 }
        _ = sandbox.run(Prelude.compiled, name: Prelude.chunkName, mode: .compiled, givingHost: true)
        _ = sandbox.reset(limits: SandboxLimits(), deadline: .after(.seconds(10)), host: host)
        return sandbox.memoryUsed
    }()

    /// A sandbox for one check run: a reset idle one when there is one, otherwise a new one; nil
    /// when out of memory.
    func take(limits: SandboxLimits, deadline: Deadline, host: @escaping LuaSandbox.HostHandler) -> LuaSandbox? {
        while let sandbox = lock.withLock({ idle.popLast() }) {
            if sandbox.reset(limits: limits, deadline: deadline, host: host), sandbox.memoryUsed <= Self.freshBytes + Self.slackBytes {
                lock.withLock { counts.reused += 1 }
                return sandbox
            }
            lock.withLock { counts.dropped += 1 }
        }
        lock.withLock { counts.opened += 1 }
        return LuaSandbox(limits: limits, deadline: deadline, host: host)
    }

    /// Gives a sandbox back after its check run; one that was stopped, or one too many, is closed.
    func recycle(_ sandbox: LuaSandbox) {
        guard sandbox.stop == nil else { return }
        lock.withLock {
            if idle.count < capacity { idle.append(sandbox) }
        }
    }

    /// States handed out again, opened new, and dropped at a reset (for tests and the probe).
    var statistics: (reused: Int, opened: Int, dropped: Int) { lock.withLock { counts } }
}
