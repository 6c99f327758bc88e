import AssayCore

/// Loads check files in the sandbox and validates their descriptors (what `assay checks lint` runs).
public enum CheckLoader {
    /// Loads one script: a syntax error, a refused binary chunk, an error at load time or an invalid
    /// descriptor comes back as problems with file and line.
    /// - Parameter kinds: the target kinds a check may need; nil accepts any well-formed kind name.
    public static func load(_ script: CheckScript, limits: SandboxLimits = SandboxLimits(), kinds: [TargetKind]? = nil)
        -> Result<Check, CheckLoadError>
    {
        let opened = LoadedScript.open(script, limits: limits, deadline: .after(limits.timeout)) { _ in
            .error("the check API is only available inside run(ctx)")
        }
        switch opened {
        case .success(let loaded):
            switch DescriptorValidator.validate(loaded.descriptor, script: script, kinds: kinds) {
            case .success(var check):
                check.compiled = loaded.sandbox.compiledChunk
                SandboxPool.shared.recycle(loaded.sandbox)
                return .success(check)
            case .failure(let error):
                return .failure(error)
            }
        case .failure(let error):
            return .failure(error)
        }
    }

    /// Loads several scripts, in parallel, and rejects duplicate ids (naming both places).
    public static func loadAll(_ scripts: [CheckScript], limits: SandboxLimits = SandboxLimits(), kinds: [TargetKind]? = nil) -> (
        checks: [Check], problems: [CheckProblem]
    ) {
        let results = ParallelMap.map(scripts) { load($0, limits: limits, kinds: kinds) }
        var checks: [Check] = []
        var problems: [CheckProblem] = []
        var seen: [String: SourceLocation] = [:]
        for result in results {
            switch result {
            case .success(let check):
                if let first = seen[check.id] {
                    problems.append(
                        CheckProblem(location: check.descriptor.source, message: "duplicate check id '\(check.id)' (first defined at \(first))"))
                } else {
                    seen[check.id] = check.descriptor.source
                    checks.append(check)
                }
            case .failure(let error):
                problems.append(contentsOf: error.problems)
            }
        }
        return (checks, problems)
    }
}

/// A sandbox holding the prelude and one check script: the table the script returned, and the
/// prelude's entry point that runs a check's `run(ctx)`.
struct LoadedScript {
    let sandbox: LuaSandbox
    let descriptor: LuaValue
    let entry: Int32

    /// Answers the host calls of check code (the line of `assay.check` is answered by the shim).
    typealias Handler = LuaSandbox.HostHandler

    /// Opens a sandbox (from ``SandboxPool``; give it back with ``SandboxPool/recycle(_:)`` when
    /// done) with the prelude and the script: from its text when `compiled` is empty
    /// (keeping the compiled form, ``LuaSandbox/compiledChunk``), else from that compiled form.
    /// The descriptor is validated once, by ``CheckLoader/load(_:limits:)``, not at every run.
    static func open(
        _ script: CheckScript, compiled: [UInt8] = [], limits: SandboxLimits, deadline: Deadline, host: @escaping Handler
    ) -> Result<LoadedScript, CheckLoadError> {
        let fileLocation = SourceLocation(path: script.path, line: 0)
        guard let sandbox = SandboxPool.shared.take(limits: limits, deadline: deadline, host: host) else {
            return .failure(CheckLoadError([CheckProblem(location: fileLocation, message: "could not create a Lua state (out of memory)")]))
        }
        let entry: Int32
        let prelude = Prelude.compiled.isEmpty
            ? sandbox.run(Prelude.source, name: Prelude.chunkName, givingHost: true)
            : sandbox.run(Prelude.compiled, name: Prelude.chunkName, mode: .compiled, givingHost: true)
        switch prelude {
        case .success(let values):
            guard case .function(let ref)? = values.first else {
                return .failure(CheckLoadError([CheckProblem(location: fileLocation, message: "internal: the prelude returned no entry point")]))
            }
            entry = ref
        case .failure(let failure):
            return .failure(CheckLoadError([CheckProblem(location: fileLocation, message: "internal: prelude failed: \(failure.message)")]))
        }
        let loaded = compiled.isEmpty
            ? sandbox.run(script.source, name: script.chunkName, mode: .textKeepingCompiled)
            : sandbox.run(compiled, name: script.chunkName, mode: .compiled)
        switch loaded {
        case .success(let values):
            return .success(LoadedScript(sandbox: sandbox, descriptor: values.first ?? .nil, entry: entry))
        case .failure(let failure):
            let message = failure.stop.map { RunStopMessages.text(for: $0, limits: limits) } ?? failure.message
            return .failure(CheckLoadError([CheckProblem.fromLua(message, path: script.path)]))
        }
    }
}

/// Readable messages for a script the host stopped.
enum RunStopMessages {
    static func text(for stop: LuaSandbox.Stop, limits: SandboxLimits) -> String {
        switch stop {
        case .memory:
            "check stopped: it needed more than \(limits.memoryBytes / (1 << 20)) MiB of memory (limits.memory_mb)"
        case .instructions:
            "check stopped: it ran more than \(limits.instructions) instructions (Lua's, and the work of its library; limits.instructions) — an endless loop?"
        case .deadline:
            "check stopped: it ran longer than \(limits.timeout) (limits.check_timeout_ms)"
        case .host:
            "check stopped by the host"
        }
    }
}
