/// The resources one check run may use before it is stopped and reported as one `error` finding
/// naming the limit (the findings reported before it are kept).
///
/// Each limit is a key under `limits:` in `assay.yaml` and is enforced in one place:
///
/// | field | `limits:` key | default | enforced by |
/// |---|---|---|---|
/// | ``memoryBytes`` | `memory_mb` | 32 MiB | the shim's allocator: the Lua heap (`Sources/LuaShim/Budget.c`) |
/// | ``instructions`` | `instructions` | 50 million | the count hook, and every loop of the bounded C library (`Budget.c`) |
/// | ``timeout`` | `check_timeout_ms` | 10 s | the hook and the C loops; connector calls and waits for a target get what is left |
/// | ``findings`` | `findings_max` | 1000 | ``HostBudget``: findings one run reports |
/// | ``findingBytes`` | `findings_max_kb` | 1 MiB | ``HostBudget``: bytes of those findings (message, resource, remediation, evidence) |
/// | ``logBytes`` | `log_max_kb` | 256 KiB | ``HostBudget``: bytes of `ctx:log`/`print` lines |
/// | ``calls`` | `calls_max` | 100 000 | ``HostBudget``: connector calls |
/// | ``callArgumentBytes`` | `call_arguments_max_kb` | 1 MiB | ``HostBudget``: bytes of those calls' arguments |
/// | ``resultBytes`` | `results_max_mb` | 256 MiB | ``HostBudget``: bytes of connector results handed to the run |
///
/// The first three bound what the check does inside its Lua state; the host-side ones bound what
/// the host keeps or copies on its behalf, outside the Lua heap (a check reporting the same 15 MiB
/// message again and again, or asking for endless distinct calls, would otherwise grow the host
/// without end). An instruction is a Lua VM instruction, or a unit of C-library work: an element
/// a table function touches, a step of the pattern matcher, 32 bytes a string function reads.
public struct SandboxLimits: Hashable, Sendable {
    public var memoryBytes: Int
    public var instructions: UInt64
    public var timeout: Duration
    public var findings: Int
    public var findingBytes: Int
    public var logBytes: Int
    public var calls: Int
    public var callArgumentBytes: Int
    public var resultBytes: Int

    public init(
        memoryBytes: Int = 32 << 20, instructions: UInt64 = 50_000_000, timeout: Duration = .seconds(10),
        findings: Int = 1000, findingBytes: Int = 1 << 20, logBytes: Int = 256 << 10, calls: Int = 100_000,
        callArgumentBytes: Int = 1 << 20, resultBytes: Int = 256 << 20
    ) {
        self.memoryBytes = memoryBytes
        self.instructions = instructions
        self.timeout = timeout
        self.findings = findings
        self.findingBytes = findingBytes
        self.logBytes = logBytes
        self.calls = calls
        self.callArgumentBytes = callArgumentBytes
        self.resultBytes = resultBytes
    }
}
