import AssayCore

// MARK: - Trend and changes since the previous certification

extension MarkdownReport {
    /// `## Since the previous certification`, when there is one.
    static func sincePrevious(_ context: ReportContext) -> [String] {
        guard let diff = context.sincePrevious else { return [] }
        return ["## Since the previous certification", trimmed(diff)]
    }

    /// `## Trend`: the overall score across the certification chain as a Mermaid `xychart-beta`
    /// (GitHub renders it) and the same numbers as a table, for readers without Mermaid.
    static func trend(_ context: ReportContext) -> [String] {
        let points = context.trend
        guard points.count >= 2 else { return [] }
        // Every label and value is made here (dates from validated RFC 3339, scores as numbers):
        // nothing a check or a server wrote reaches the chart.
        let labels = points.map { "\"\($0.shortLabel)\"" }.joined(separator: ", ")
        let scores = points.map { $0.overall.map(\.description) ?? "0" }.joined(separator: ", ")
        let chart = [
            "```mermaid", "xychart-beta", "    title \"Overall score by certification\"",
            "    x-axis [\(labels)]", "    y-axis \"Score (out of 10)\" 0 --> 10", "    line [\(scores)]", "```",
        ].joined(separator: "\n")
        var table = MarkdownTable([("Issued", .left), ("Verdict", .left), ("Overall score", .right), ("Open failures", .right)])
        for point in points {
            table.append([MarkdownText.escape(point.date), point.verdict.rawValue, scoreText(point.overall), String(point.openFailures)])
        }
        return ["## Trend", "Across the certification chain, oldest first; the last row is this run.", chart, table.text]
    }

    private static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while text.last == "\n" { text = text.dropLast() }
        return String(text)
    }
}
