import AssayCore

/// A part of the audited system that the SARIF, JUnit, Prometheus and HTML outputs group findings
/// by, with a score of its own.
///
/// Today a component is a target. The components issue (one component per PostgreSQL, PgBouncer,
/// Redis or compose service) changes ``OutputComponents/of(_:)`` alone; every output follows.
public struct OutputComponent: Hashable, Sendable {
    public var name: String
    /// `nil` for findings about no target (a check file that did not load: target `assay`).
    public var kind: TargetKind?
    /// A display address without secrets.
    public var address: String
    /// Its findings, in report order.
    public var findings: [Finding]
    /// Its findings scored under the run's policy.
    public var scores: Scores
    public var status: Report.ComponentStatus

    /// Open (unwaived) failures and errors at a severity.
    public func open(_ severity: Severity) -> Int { findings.filter { $0.isOpen && $0.severity == severity }.count }
}

/// How outputs group a report's findings: the one place that decides what a component is.
public enum OutputComponents {
    /// One component per target, sorted by name, then one per target name that findings give but
    /// the report does not list (`assay`, for check files that did not load).
    public static func of(_ report: Report) -> [OutputComponent] {
        var byTarget: [String: [Finding]] = [:]
        for finding in report.findings.sorted(by: Finding.reportOrder) { byTarget[finding.target, default: []].append(finding) }
        var components: [OutputComponent] = []
        let targets = report.targets.sorted { ($0.name, $0.kind.rawValue, $0.address) < ($1.name, $1.kind.rawValue, $1.address) }
        for target in targets {
            components.append(component(target.name, kind: target.kind, address: target.address, byTarget[target.name] ?? [], report))
        }
        let listed = Set(report.targets.map(\.name))
        for name in byTarget.keys.sorted() where !listed.contains(name) {
            components.append(component(name, kind: nil, address: "", byTarget[name] ?? [], report))
        }
        return components
    }

    private static func component(_ name: String, kind: TargetKind?, address: String, _ findings: [Finding], _ report: Report)
        -> OutputComponent
    {
        OutputComponent(
            name: name, kind: kind, address: address, findings: findings, scores: Scores.compute(findings, policy: report.policy),
            status: report.status(of: name))
    }
}
