import AssayCore

/// One point of a score trend: a certification of the chain (or the run being reported), when it
/// was issued, its verdict and its overall score.
///
/// Reports draw the trend from these points, oldest first: report.md as a Mermaid chart, the HTML
/// report as an SVG line.
public struct TrendPoint: Hashable, Sendable {
    /// RFC 3339 UTC, e.g. `2026-11-23T15:46:59Z`.
    public var date: String
    public var verdict: Verdict
    /// `nil` when nothing was scored.
    public var overall: Score?
    /// Open failures (unwaived `fail`) at the time.
    public var openFailures: Int

    public init(date: String, verdict: Verdict, overall: Score?, openFailures: Int) {
        self.date = date
        self.verdict = verdict
        self.overall = overall
        self.openFailures = openFailures
    }

    /// The point of a report: its finish time, verdict, overall score and open failures.
    public init(report: Report) {
        self.init(
            date: report.finishedAt, verdict: report.verdict, overall: report.scores.overall,
            openFailures: report.findings.filter { $0.status == .fail }.count)
    }

    /// A short label for a chart axis: `11-23 15:46` from `2026-11-23T15:46:59Z`; the text itself
    /// when it is not of that form.
    public var shortLabel: String {
        let scalars = Array(date.unicodeScalars)
        guard scalars.count >= 16, scalars[10] == "T" else { return date }
        return String(String.UnicodeScalarView(scalars[5..<10])) + " " + String(String.UnicodeScalarView(scalars[11..<16]))
    }
}
