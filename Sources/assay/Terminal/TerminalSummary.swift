import AssayKit
import Foundation

/// The short summary `assay run` prints: verdict, scores and the worst open findings.
enum TerminalSummary {
    static func verdictLine(_ report: Report) -> String {
        let overall = report.scores.overall.map { "\($0)/10" } ?? "n/a"
        let compliance = report.scores.compliance
        let percent = compliance.percent.map { " (\($0) %)" } ?? ""
        return "Verdict: " + Style.verdict(report.verdict.rawValue, report.verdict)
            + " — overall \(overall), \(compliance.checksPassed)/\(compliance.checksApplicable) checks passed, "
            + "\(compliance.passed)/\(compliance.applicable) findings\(percent)"
    }

    static func render(_ result: AuditResult, elapsed: TimeInterval, written: [String], failOn: [FailOn]) -> String {
        let report = result.report
        var lines: [String] = []
        let runs = report.findings.count
        lines.append(
            "Assay \(report.tool.version): \(report.targets.count) target\(report.targets.count == 1 ? "" : "s"), "
                + "\(report.checks.count) checks, \(runs) findings in \(String(format: "%.2f", elapsed)) s")
        lines.append(verdictLine(report))
        for reason in report.decision.reasons { lines.append("  - \(reason)") }
        if !report.isComplete {
            lines.append(Style.bad("INCOMPLETE") + ": not every planned check ran")
            for reason in report.incomplete.prefix(8) { lines.append("  - \(oneLine(reason))") }
        }
        lines.append("")
        lines.append("Components:")
        for target in report.targets {
            lines.append("  \(pad(oneLine(target.name), 18)) \(pad(target.kind.rawValue, 10)) \(report.status(of: target.name).rawValue.uppercased())")
        }
        lines.append("Scores:")
        for category in report.scores.categories {
            lines.append("  \(pad(category.name, 28)) \(category.score.map { "\($0)/10" } ?? "n/a")")
        }
        let open = report.findings.filter(\.isOpen)
        if !open.isEmpty {
            lines.append("Worst open findings (\(open.count) in all):")
            for finding in open.prefix(8) {
                let status = finding.status == .error ? "ERROR " : ""
                lines.append("  " + Style.severity("[\(finding.severity.rawValue.uppercased())]", finding.severity) + " \(status)\(oneLine(finding.checkID)) \(oneLine(finding.target)) \(oneLine(finding.resource)): \(oneLine(finding.message))")
            }
        }
        let waived = report.findings.filter { $0.status == .waived }.count
        if waived > 0 { lines.append("\(waived) finding\(waived == 1 ? "" : "s") waived") }
        for threshold in failOn {
            let count = threshold.count(result)
            let verdict = threshold.isExceeded(by: result) ? Style.bad("exceeded") : Style.good("within")
            lines.append(
                "--fail-on \(threshold): \(count) open finding\(count == 1 ? "" : "s") at or above \(threshold.severity.rawValue) "
                    + "(\(threshold.allowed) allowed): \(verdict)")
        }
        if !written.isEmpty { lines.append("Wrote " + written.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// One line of text safe for a terminal: line breaks flattened, control characters shown as
    /// escapes, at most 160 characters.
    static func oneLine(_ text: String) -> String {
        let flat = TerminalText.printable(text.split(whereSeparator: \.isNewline).joined(separator: " "))
        return flat.count > 160 ? String(flat.prefix(157)) + "…" : flat
    }
}
