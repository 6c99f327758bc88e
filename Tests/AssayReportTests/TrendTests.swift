import AssayCore
import AssayReport
import Testing

@Suite("report.md: trend and changes since the previous certification")
struct TrendTests {
    static let points = [
        TrendPoint(date: "2026-11-01T03:17:00Z", verdict: .notCertified, overall: Score(hundredths: 512), openFailures: 40),
        TrendPoint(date: "2026-11-02T03:17:00Z", verdict: .conditional, overall: Score(hundredths: 675), openFailures: 12),
        TrendPoint(date: "2026-11-03T03:17:00Z", verdict: .certified, overall: nil, openFailures: 0),
    ]

    @Test func theTrendIsAMermaidChartAndATable() {
        let markdown = MarkdownReport.render(AuditFixture.report(), context: ReportContext(trend: Self.points))
        #expect(markdown.contains("""
            ```mermaid
            xychart-beta
                title "Overall score by certification"
                x-axis ["11-01 03:17", "11-02 03:17", "11-03 03:17"]
                y-axis "Score (out of 10)" 0 --> 10
                line [5.12, 6.75, 0]
            ```
            """))
        #expect(markdown.contains("| 2026-11-02T03:17:00Z | CONDITIONAL | 6.75 / 10 | 12 |"))
        #expect(markdown.contains("| 2026-11-03T03:17:00Z | CERTIFIED | n/a | 0 |"))
        // The sections sit after the scores and before the findings.
        let trend = markdown.range(of: "## Trend")!.lowerBound
        #expect(markdown.range(of: "## Scores by category")!.lowerBound < trend)
        #expect(trend < markdown.range(of: "## Findings")!.lowerBound)
    }

    @Test func aFirstRunHasNeitherTrendNorChanges() {
        let alone = MarkdownReport.render(AuditFixture.report(), context: ReportContext(trend: [Self.points[0]]))
        #expect(!alone.contains("## Trend") && !alone.contains("mermaid"))
        #expect(alone == MarkdownReport.render(AuditFixture.report()))
    }

    @Test func theChangesSectionIsTheDiffGiven() {
        let markdown = MarkdownReport.render(
            AuditFixture.report(), context: ReportContext(sincePrevious: "**Verdict:** CONDITIONAL → NOT CERTIFIED\n\n### New findings (1)\n"))
        #expect(markdown.contains("## Since the previous certification\n\n**Verdict:** CONDITIONAL → NOT CERTIFIED\n\n### New findings (1)\n\n## Findings"))
    }

    @Test func shortLabelsComeFromRFC3339Only() {
        #expect(TrendPoint(date: "2026-11-23T15:46:59Z", verdict: .certified, overall: nil, openFailures: 0).shortLabel == "11-23 15:46")
        #expect(TrendPoint(date: "garbage", verdict: .certified, overall: nil, openFailures: 0).shortLabel == "garbage")
    }
}
