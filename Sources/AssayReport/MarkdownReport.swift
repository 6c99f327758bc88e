import AssayCore
public enum MarkdownReport {
    public static func render(_ report: Report) -> String {
        "# Infrastructure audit report\n\nVerdict: \(report.verdict.rawValue)\n\n" + report.findings.map { "- \($0.status.rawValue) \($0.checkID) \($0.resource): \($0.message)" }.joined(separator: "\n") + "\n"
    }
}
