import AssayCore

// MARK: - Executive summary

extension MarkdownReport {
    static func summary(_ view: ReportView) -> [String] {
        let r = view.report
        var blocks = ["## Executive summary", "**Verdict: \(r.verdict.rawValue)**"]
        if !r.isComplete {
            blocks.append("**This audit is incomplete**: not every planned check ran, and what was not checked cannot count as passed.")
            blocks.append(r.incomplete.map { "- " + MarkdownText.escape($0) }.joined(separator: "\n"))
        }
        if r.decision.reasons.isEmpty {
            blocks.append("Every condition of \(r.verdict.rawValue) is met.")
        } else {
            let better = Verdict.allCases.prefix { $0 != r.verdict }.map(\.rawValue)
            blocks.append("Why not \(better.joined(separator: " or ")):")
            blocks.append(r.decision.reasons.map { "- " + MarkdownText.escape($0) }.joined(separator: "\n"))
        }
        var facts = MarkdownTable([("Measure", .left), ("Result", .left)])
        facts.append(["Overall score", "**\(scoreText(r.scores.overall))**"])
        facts.append(["Compliance", complianceText(r.scores.compliance)])
        facts.append(["Open failures", count(view.findings(.fail).count, "finding")])
        facts.append(["Could not check", count(view.findings(.error).count, "finding")])
        facts.append(["Waived", count(view.findings(.waived).count, "finding")])
        blocks.append(facts.text)
        blocks.append(severityTable(view))
        blocks.append("### Components")
        blocks.append(componentsTable(view))
        return blocks
    }

    /// `7.25 / 10`, or `n/a` when nothing was scored.
    static func scoreText(_ score: Score?) -> String {
        score.map { "\($0) / 10" } ?? "n/a"
    }

    /// "18 / 30 checks passed, 98 / 142 findings (69.01 %)": checks counted as checks, findings as
    /// findings (a report older than check counts shows findings only).
    static func complianceText(_ c: Compliance) -> String {
        let percent = c.percent.map { " (\($0) %)" } ?? ""
        guard c.checksApplicable > 0 else { return "\(c.passed) / \(c.applicable) findings passed\(percent)" }
        return "\(c.checksPassed) / \(c.checksApplicable) checks passed, \(c.passed) / \(c.applicable) findings\(percent)"
    }

    /// Open findings (failures, errors) and waived ones, by severity.
    private static func severityTable(_ view: ReportView) -> String {
        var table = MarkdownTable([
            ("Severity", .left), ("Open failures", .right), ("Could not check", .right), ("Waived", .right),
        ])
        for severity in Severity.allCases {
            let mine = view.findings.filter { $0.severity == severity }
            table.append([
                severity.label, String(mine.filter { $0.status == .fail }.count),
                String(mine.filter { $0.status == .error }.count), String(mine.filter { $0.status == .waived }.count),
            ])
        }
        return table.text
    }

    private static func componentsTable(_ view: ReportView) -> String {
        var table = MarkdownTable([
            ("Component", .left), ("Kind", .left), ("Address", .left), ("Status", .left), ("Open findings", .right),
        ])
        for target in view.targets {
            let open = view.findings.filter { $0.target == target.name && $0.isOpen }.count
            table.append([
                MarkdownText.escape(target.name), target.kind.rawValue, MarkdownText.escape(target.address),
                statusText(view.report.status(of: target.name)), String(open),
            ])
        }
        if view.targets.isEmpty { table.append(["none", "", "", "", ""]) }
        return table.text
    }

    private static func statusText(_ status: Report.ComponentStatus) -> String {
        switch status {
        case .pass: "PASS — healthy"
        case .attention: "**ATTENTION** — review"
        case .fail: "**FAIL** — action required"
        case .error: "**ERROR** — could not check"
        }
    }
}
