import AssayCore
import AssayConnectors
import AssayLua

/// Everything a run needs: targets, check folders, inputs, waivers, policy and limits.
///
/// Load it from `assay.yaml` with ``Configuration/load(path:)`` or build it in code:
///
/// ```swift
/// var configuration = Configuration()
/// configuration.targets = [TargetConfiguration(name: "app", kind: .files, location: "deploy/")]
/// let result = try Auditor(configuration: configuration).run()
/// print(result.report.verdict)
/// ```
public struct Configuration: Sendable {
    /// The target kinds the run knows (default: Assay's own, ``TargetKindRegistry/builtin``).
    public var kinds: TargetKindRegistry
    public var targets: [TargetConfiguration]
    /// Folders (or files) of custom checks, next to the built-in ones.
    public var checkPaths: [String]
    /// Custom checks given as source text rather than files (an embedder's own), e.g.
    /// `CheckScript(path: "mine/uptime.lua", source: Array(text.utf8))`; the path names it in reports.
    public var checkScripts: [CheckScript] = []
    /// Whether the built-in library in `checks/` runs (default true).
    public var builtinChecks: Bool
    /// Check ids or tags to run; empty runs every check.
    public var include: [String]
    /// Check ids or tags to leave out.
    public var exclude: [String]
    /// Inputs for every check, by name.
    public var inputs: [String: JSONValue]
    /// Inputs for one check: check id → name → value. They win over ``inputs``.
    public var checkInputs: [String: [String: JSONValue]]
    public var waivers: [Waiver]
    public var policy: Policy
    public var limits: SandboxLimits
    public var connectorOptions: ConnectorOptions
    /// Workers, deadlines and the per-server connection budget of the run.
    public var run: RunSettings
    /// Components stated rather than inferred (`components:` in assay.yaml).
    public var components: [ComponentStatement] = []
    /// Outputs besides the default ones (`outputs:` in assay.yaml).
    public var outputs = OutputSettings()

    public init(
        targets: [TargetConfiguration] = [], checkPaths: [String] = [], builtinChecks: Bool = true, include: [String] = [], exclude: [String] = [],
        inputs: [String: JSONValue] = [:], checkInputs: [String: [String: JSONValue]] = [:], waivers: [Waiver] = [],
        policy: Policy = Policy(), limits: SandboxLimits = SandboxLimits(), connectorOptions: ConnectorOptions = ConnectorOptions(),
        run: RunSettings = RunSettings(), kinds: TargetKindRegistry = .builtin
    ) {
        self.kinds = kinds
        self.targets = targets
        self.checkPaths = checkPaths
        self.builtinChecks = builtinChecks
        self.include = include
        self.exclude = exclude
        self.inputs = inputs
        self.checkInputs = checkInputs
        self.waivers = waivers
        self.policy = policy
        self.limits = limits
        self.connectorOptions = connectorOptions
        self.run = run
    }

    /// Whether a check is selected by ``include`` and not removed by ``exclude``.
    public func selects(_ descriptor: CheckDescriptor) -> Bool {
        func matches(_ list: [String]) -> Bool { list.contains(where: descriptor.isNamed) || list.contains(where: descriptor.tags.contains) }
        return (include.isEmpty || matches(include)) && !matches(exclude)
    }

    /// The input `name` for `check`: the check's own value, else the global one.
    public func input(check: String, name: String) -> JSONValue? {
        checkInputs[check]?[name] ?? inputs[name]
    }
}

/// A configuration that cannot be used, with where and why.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
