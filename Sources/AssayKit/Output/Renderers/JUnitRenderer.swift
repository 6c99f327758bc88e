import AssayCore

/// `report.junit.xml`: JUnit XML for CI systems (Jenkins, GitLab, GitHub test reporters), valid
/// against the schema Jenkins' xUnit plugin uses (`junit-10.xsd`).
///
/// One `testsuite` per component (``OutputComponents``; today a target) and one `testcase` per
/// check × resource: an open failure is a `failure` (type = severity), an error (could not check)
/// an `error`, a skip or a waived failure `skipped` (with the waiver's justification), a pass an
/// empty test case. The suite's properties carry the component's kind, address and score; the
/// root's name carries the verdict.
public struct JUnitRenderer: OutputRenderer {
    public init() {}
    public var format: String { "junit" }
    public var fileName: String { "report.junit.xml" }

    public func render(_ input: RenderInput) throws(OutputError) -> [UInt8]? {
        let report = input.report
        let components = OutputComponents.of(report)
        let total = report.findings.count
        let failures = report.findings.filter { $0.status == .fail }.count
        let errors = report.findings.filter { $0.status == .error }.count
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        lines.append(
            "<testsuites name=\"\(MarkupText.attribute("Assay audit: \(report.verdict.rawValue)"))\" tests=\"\(total)\" "
                + "failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(duration(report))\">")
        for (index, component) in components.enumerated() {
            lines += suite(component, id: index, report: report)
        }
        lines.append("</testsuites>")
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    private func suite(_ component: OutputComponent, id: Int, report: Report) -> [String] {
        let f = component.findings
        let skipped = f.filter { $0.status == .skip || $0.status == .waived }.count
        var lines = [
            "  <testsuite name=\"\(MarkupText.attribute(component.name))\" id=\"\(id)\" package=\"\(MarkupText.attribute(component.kind?.rawValue ?? "assay"))\" "
                + "tests=\"\(f.count)\" failures=\"\(f.filter { $0.status == .fail }.count)\" "
                + "errors=\"\(f.filter { $0.status == .error }.count)\" skipped=\"\(skipped)\" "
                + "timestamp=\"\(MarkupText.attribute(report.startedAt))\">",
            "    <properties>",
        ]
        var properties = [("kind", component.kind?.rawValue ?? ""), ("address", component.address), ("status", component.status.rawValue)]
        properties.append(("score", component.scores.overall?.description ?? "n/a"))
        for (name, value) in properties {
            lines.append("      <property name=\"\(name)\" value=\"\(MarkupText.attribute(value))\"/>")
        }
        lines.append("    </properties>")
        for finding in f {
            let name = finding.resource.isEmpty ? finding.checkID : "\(finding.checkID) \(finding.resource)"
            let open = "    <testcase name=\"\(MarkupText.attribute(name))\" classname=\"\(MarkupText.attribute("\(component.name).\(finding.checkID)"))\""
            switch finding.status {
            case .pass:
                lines.append(open + "/>")
            case .fail:
                lines.append(open + ">")
                lines.append(
                    "      <failure type=\"\(finding.severity.rawValue)\" message=\"\(MarkupText.attribute(finding.message))\">"
                        + MarkupText.escape(details(finding)) + "</failure>")
                lines.append("    </testcase>")
            case .error:
                lines.append(open + ">")
                lines.append(
                    "      <error type=\"could-not-check\" message=\"\(MarkupText.attribute(finding.message))\">"
                        + MarkupText.escape(details(finding)) + "</error>")
                lines.append("    </testcase>")
            case .skip:
                lines.append(open + ">")
                lines.append("      <skipped message=\"\(MarkupText.attribute(finding.message.isEmpty ? "not applicable" : finding.message))\"/>")
                lines.append("    </testcase>")
            case .waived:
                let why = finding.waiver.map { "waived until \($0.expires): \($0.justification)" } ?? "waived"
                lines.append(open + ">")
                lines.append("      <skipped type=\"waived\" message=\"\(MarkupText.attribute(why))\"/>")
                lines.append("    </testcase>")
            }
        }
        lines.append("  </testsuite>")
        return lines
    }

    private func details(_ finding: Finding) -> String {
        var text = "\(finding.title)\nseverity: \(finding.severity.rawValue), category: \(finding.category)\n"
        text += "target: \(finding.target), resource: \(finding.resource)\n\(finding.message)\n"
        if finding.evidence != .object([:]) { text += "evidence: \(JSONWriter().string(finding.evidence))\n" }
        if !finding.remediation.isEmpty { text += "remediation: \(finding.remediation)\n" }
        if let waiver = finding.waiver { text += "an expired waiver (until \(waiver.expires)) no longer covers it\n" }
        return text
    }

    /// Whole seconds between the run's start and finish (the report keeps second precision).
    private func duration(_ report: Report) -> String {
        guard let start = RFC3339.unixSeconds(report.startedAt), let end = RFC3339.unixSeconds(report.finishedAt), end >= start else { return "0" }
        return String(end - start)
    }
}
