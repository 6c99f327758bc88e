/// The complete result of one audit run: what was audited, with which checks, what was found,
/// how it scores and the verdict. ``Report/json`` gives `report.json` (schema version 1).
public struct Report: Hashable, Sendable {
    public static let schemaVersion = 1

    /// The tool that produced the report.
    public struct Tool: Hashable, Sendable {
        public var name: String
        public var version: String
        /// Hex SHA-256 of the Lua prelude every check ran with (the `ctx` API and the `assay.*`
        /// helpers), so that a certification pins the check code that is not in the check files.
        public var preludeSHA256: String?

        public init(name: String, version: String, preludeSHA256: String? = nil) {
            self.name = name
            self.version = version
            self.preludeSHA256 = preludeSHA256
        }

        public var json: JSONValue {
            var object: [String: JSONValue] = ["name": .string(name), "version": .string(version)]
            if let preludeSHA256 { object["prelude_sha256"] = .string(preludeSHA256) }
            return .object(object)
        }

        public init?(json: JSONValue) {
            guard let name = json["name"]?.stringValue else { return nil }
            self.init(name: name, version: json["version"]?.stringValue ?? "", preludeSHA256: json["prelude_sha256"]?.stringValue)
        }
    }

    /// A check script that ran, identified by its content digest.
    public struct CheckRecord: Hashable, Sendable {
        public var id: String
        public var title: String
        public var severity: Severity
        public var category: String
        /// `builtin/<kind>/<file>.lua` for built-in checks, otherwise the path as given.
        public var path: String
        /// Hex SHA-256 of the script's bytes.
        public var sha256: String
        /// The ids it was known by before (``CheckDescriptor/aliases``).
        public var aliases: [String] = []
        /// The kind of component it judges, when it is a rule over a component's sources.
        public var component: String?

        public init(id: String, title: String, severity: Severity, category: String, path: String, sha256: String) {
            self.id = id
            self.title = title
            self.severity = severity
            self.category = category
            self.path = path
            self.sha256 = sha256
        }
    }

    public var tool: Tool
    /// RFC 3339 UTC timestamps.
    public var startedAt: String
    public var finishedAt: String
    public var targets: [TargetInfo]
    public var checks: [CheckRecord]
    /// Sorted with ``Finding/reportOrder(_:_:)``.
    public var findings: [Finding]
    public var scores: Scores
    public var decision: VerdictDecision
    public var waivers: [WaiverOutcome]
    public var policy: Policy
    /// Why the run did not get to every check it planned; empty when it did.
    public var incomplete: [String]
    /// The parts of the stack the findings are about, each with its sources and how it was grouped.
    public var components: [Component]

    public init(
        tool: Tool, startedAt: String, finishedAt: String, targets: [TargetInfo], checks: [CheckRecord],
        findings: [Finding], scores: Scores, decision: VerdictDecision, waivers: [WaiverOutcome], policy: Policy,
        incomplete: [String] = [], components: [Component] = []
    ) {
        self.tool = tool
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.targets = targets
        self.checks = checks
        self.findings = findings
        self.scores = scores
        self.decision = decision
        self.waivers = waivers
        self.policy = policy
        self.incomplete = incomplete
        self.components = components
    }

    /// Whether every planned check ran (to a pass, fail, error or skip of its own).
    public var isComplete: Bool { incomplete.isEmpty }

    public var verdict: Verdict { decision.verdict }

    /// The status of one component for the executive summary.
    public enum ComponentStatus: String, Sendable {
        case pass, attention, fail, error
    }

    /// `error` when the target could not be checked at all, `fail` for open critical or high
    /// findings, `attention` for other open findings or some errors, `pass` otherwise.
    public func status(of target: String) -> ComponentStatus {
        Self.status(findings.filter { $0.target == target })
    }

    /// The findings about one component.
    public func findings(ofComponent name: String) -> [Finding] { findings.filter { $0.component == name } }

    /// A component's status, as ``status(of:)`` judges a target's.
    public func status(ofComponent name: String) -> ComponentStatus { Self.status(findings(ofComponent: name)) }

    /// A component's score out of 10, as the run's overall score is computed, from its findings alone.
    public func score(ofComponent name: String) -> Score? { Scores.compute(findings(ofComponent: name), policy: policy).overall }

    private static func status(_ mine: [Finding]) -> ComponentStatus {
        let errors = mine.filter { $0.status == .error }.count
        if errors > 0, !mine.contains(where: { $0.status == .pass || $0.status == .fail }) { return .error }
        if mine.contains(where: { $0.status == .fail && $0.severity >= .high }) { return .fail }
        if errors > 0 || mine.contains(where: { $0.status == .fail && $0.severity > .info }) { return .attention }
        return .pass
    }
}
