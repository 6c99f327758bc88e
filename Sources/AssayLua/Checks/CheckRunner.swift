import AssayCore

/// What one run of one check on one target produced.
public struct CheckRunOutcome: Sendable {
    public var findings: [Finding]
    /// Lua VM instructions used (in steps of 1000).
    public var instructions: UInt64
    /// Peak bytes held by the Lua state.
    public var memoryPeak: Int
}

/// Runs a check on a target in a sandbox as good as new (a fresh one, or one reset by ``SandboxPool``).
public enum CheckRunner {
    /// The fields of `ctx.check`, each from the descriptor (the check contract lists them from here).
    static let checkInfo: [(name: String, value: @Sendable (CheckDescriptor) -> String)] = [
        ("id", { $0.id }), ("title", { $0.title }), ("severity", { $0.severity.rawValue }), ("category", { $0.category }),
    ]

    /// Runs `check` once for `target`. Never throws and never crashes on bad check code: a script
    /// error, a stopped script or an unreachable target becomes an `error` finding, and the
    /// findings reported before it are kept.
    ///
    /// - Parameter component: the component a rule judges (`ctx.component`); its findings are about it.
    public static func run(
        _ check: Check, on target: TargetInfo, component: Component? = nil, environment: some CheckEnvironment,
        limits: SandboxLimits = SandboxLimits()
    ) -> CheckRunOutcome {
        let deadline = Deadline.after(limits.timeout)
        let recorder = FindingRecorder(
            check: check.descriptor, target: target, environment: environment, limits: limits, deadline: deadline,
            component: component?.name)
        let opened = LoadedScript.open(check.script, compiled: check.compiled, limits: limits, deadline: deadline) { call in
            recorder.handle(call)
        }
        let loaded: LoadedScript
        switch opened {
        case .success(let script):
            loaded = script
        case .failure(let error):
            recorder.error(error.problems.map(\.description).joined(separator: "; "))
            return CheckRunOutcome(findings: recorder.finish(), instructions: 0, memoryPeak: 0)
        }
        guard case .function(let run)? = loaded.descriptor["run"] else {
            recorder.error("\(check.script.path): the script no longer returns a run function")
            return CheckRunOutcome(findings: recorder.finish(), instructions: 0, memoryPeak: 0)
        }
        var fields: [(key: LuaValue, value: LuaValue)] = [
            (key: .string("target"), value: LuaValue(target.json)),
            (key: "check", value: .table(checkInfo.map { (key: .string($0.name), value: .string($0.value(check.descriptor))) })),
        ]
        if let component { fields.append((key: "component", value: LuaValue(component: component, environment: environment))) }
        let spec: LuaValue = .table(fields)
        if case .failure(let failure) = loaded.sandbox.call(loaded.entry, [.function(run), spec]) {
            if failure.stop == .host, let stopped = recorder.stopped {
                recorder.error(stopped)
            } else if let stop = failure.stop {
                recorder.error(RunStopMessages.text(for: stop, limits: limits))
            } else if let unavailable = recorder.unavailable {
                recorder.error(unavailable)
            } else {
                recorder.error(failure.message)
            }
        }
        let outcome = CheckRunOutcome(
            findings: recorder.finish(), instructions: loaded.sandbox.instructions, memoryPeak: loaded.sandbox.memoryPeak)
        SandboxPool.shared.recycle(loaded.sandbox)
        return outcome
    }
}

extension LuaValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}
