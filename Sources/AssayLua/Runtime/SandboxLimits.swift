/// The resources one check run may use before it is stopped and reported as an `error` finding.
///
/// Defaults: 32 MiB of memory, 50 million Lua VM instructions, 10 seconds of wall-clock time
/// (connector calls included; each connector call also has its own deadline).
public struct SandboxLimits: Hashable, Sendable {
    public var memoryBytes: Int
    public var instructions: UInt64
    public var timeout: Duration

    public init(memoryBytes: Int = 32 << 20, instructions: UInt64 = 50_000_000, timeout: Duration = .seconds(10)) {
        self.memoryBytes = memoryBytes
        self.instructions = instructions
        self.timeout = timeout
    }
}
