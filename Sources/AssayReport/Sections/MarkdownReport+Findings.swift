import AssayCore

// MARK: - Findings and "Could not check"

extension MarkdownReport {
    /// Failures and waived findings, critical → info; within a severity, failures before waived ones.
    static func findings(_ view: ReportView) -> [String] {
        let shown = view.findings.filter { $0.status == .fail || $0.status == .waived }
        var blocks = ["## Findings"]
        guard !shown.isEmpty else {
            blocks.append("No check failed.")
            return blocks
        }
        let failed = shown.filter { $0.status == .fail }.count
        blocks.append(
            "\(count(failed, "open failure")) and \(count(shown.count - failed, "waived finding")), "
                + "worst first. Checks that could not run are listed under “Could not check”.")
        for finding in shown { blocks += block(finding, view) }
        return blocks
    }

    /// `error` findings: never passes, never mixed with them.
    static func couldNotCheck(_ view: ReportView) -> [String] {
        let errors = view.findings(.error)
        var blocks = ["## Could not check"]
        guard !errors.isEmpty else {
            blocks.append("Every check produced a result.")
            return blocks
        }
        blocks.append(
            "These checks did not produce a result (target unreachable, timeout, refused command or script "
                + "error). They are not passes: each counts as applicable and not passed in the scores and in "
                + "compliance.")
        var table = MarkdownTable([
            ("Severity", .left), ("Check", .left), ("Target", .left), ("Resource", .left), ("Reason", .left),
        ])
        for f in errors {
            table.append([
                f.severity.label, "\(MarkdownText.escape(f.checkID)) — \(MarkdownText.escape(f.title))",
                MarkdownText.escape(f.target), MarkdownText.escape(f.resource), MarkdownText.escape(f.message),
            ])
        }
        blocks.append(table.text)
        return blocks
    }

    /// One finding: heading, where, what, evidence, waiver, remediation.
    private static func block(_ f: Finding, _ view: ReportView) -> [String] {
        var suffix = ""
        if f.status == .waived { suffix = " (waived)" } else if f.waiver != nil { suffix = " (waiver expired)" }
        var blocks = [
            "### [\(f.severity.label)] \(MarkdownText.escape(f.checkID)) — \(MarkdownText.escape(f.title))\(suffix)"
        ]
        let kind = view.kind(of: f.target).map { " (\($0.rawValue))" } ?? ""
        let target = MarkdownText.escape(f.target) + kind
        blocks.append(
            "**Target:** \(target) · **Resource:** \(MarkdownText.escape(f.resource)) · "
                + "**Category:** \(MarkdownText.escape(f.category))")
        if !MarkdownText.oneLine(f.message).isEmpty { blocks.append("> " + MarkdownText.escape(f.message)) }
        if let waiver = f.waiver {
            let justification = MarkdownText.escape(waiver.justification)
            blocks.append(
                f.status == .waived
                    ? "**Waived** until \(waiver.expires): \(justification)"
                    : "**Waiver expired** (its last day was \(waiver.expires)), so this failure counts again. "
                        + "It said: \(justification)")
        }
        blocks += evidence(f.evidence)
        blocks += remediation(f.remediation)
        return blocks
    }
}
