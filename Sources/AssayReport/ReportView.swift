import AssayCore

/// A report put in the one order the Markdown uses, whatever order its arrays came in: targets
/// by name, categories by name, checks by id, waivers by check, target and resource, findings
/// by severity (worst first), status, then every text field. No dictionary is iterated unsorted.
package struct ReportView {
    package let report: Report
    package let targets: [TargetInfo]
    package let categories: [CategoryScore]
    package let checks: [Report.CheckRecord]
    package let findings: [Finding]
    package let waivers: [WaiverOutcome]

    package init(_ report: Report) {
        self.report = report
        targets = report.targets.sorted {
            ($0.name, $0.kind.rawValue, $0.address) < ($1.name, $1.kind.rawValue, $1.address)
        }
        categories = report.scores.categories.sorted { $0.name < $1.name }
        checks = report.checks.sorted {
            [$0.id, $0.path, $0.sha256, $0.title, $0.category, $0.severity.rawValue]
                .lexicographicallyPrecedes([$1.id, $1.path, $1.sha256, $1.title, $1.category, $1.severity.rawValue])
        }
        findings = report.findings.sorted(by: ReportView.severityOrder)
        waivers = report.waivers.sorted { ReportView.waiverKey($0).lexicographicallyPrecedes(ReportView.waiverKey($1)) }
    }

    package func findings(_ status: Status) -> [Finding] { findings.filter { $0.status == status } }

    func kind(of target: String) -> TargetKind? { targets.first { $0.name == target }?.kind }

    // MARK: - Orders

    /// Severity first (critical → info), then status (fail, error, waived, pass, skip), then text.
    package static func severityOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.severity != b.severity { return a.severity > b.severity }
        if a.status.reportRank != b.status.reportRank { return a.status.reportRank < b.status.reportRank }
        let ka = [a.checkID, a.target, a.resource, a.message, a.title, a.category, a.remediation]
        let kb = [b.checkID, b.target, b.resource, b.message, b.title, b.category, b.remediation]
        if ka != kb { return ka.lexicographicallyPrecedes(kb) }
        let ea = [JSONWriter().string(a.evidence), a.waiver.map(waiverText) ?? ""]
        let eb = [JSONWriter().string(b.evidence), b.waiver.map(waiverText) ?? ""]
        return ea.lexicographicallyPrecedes(eb)
    }

    private static func waiverKey(_ w: WaiverOutcome) -> [String] {
        let v = w.waiver
        return [v.check, v.target ?? "", v.resource ?? "", v.expires.description, v.justification, w.state.rawValue,
            String(w.matched)]
    }

    private static func waiverText(_ w: Waiver) -> String { JSONWriter().string(w.json) }
}

extension Severity {
    /// `CRITICAL`, `HIGH`, …
    var label: String { rawValue.uppercased() }
}
