/// The host's Lua code that every check runs with: the `ctx` API and the `assay.*` helpers.
public enum CheckRuntime {
    /// The prelude's source bytes (reports carry their digest).
    public static var preludeSource: [UInt8] { Prelude.source }
}

/// The prelude, `Sources/AssayLua/Lua/prelude.lua`: run first in every sandbox (chunk name
/// `=assay`), the only chunk that receives the host function. It states the host↔script contract
/// in one file; see its header.
enum Prelude {
    static let chunkName = "=assay"

    static let source: [UInt8] = PackageResources.prelude_lua

    /// The prelude compiled once per process: every sandbox loads it without parsing it again.
    static let compiled: [UInt8] = {
        guard let sandbox = LuaSandbox(limits: SandboxLimits(), deadline: .after(.seconds(10)), host: { _ in .values([]) }),
            case .success = sandbox.run(source, name: chunkName, mode: .textKeepingCompiled, givingHost: true)
        else { return [] }
        return sandbox.compiledChunk
    }()
}
