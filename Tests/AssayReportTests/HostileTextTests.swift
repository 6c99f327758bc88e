import AssayCore
import Foundation
import Testing

@testable import AssayReport

/// Text from check scripts and audited servers must not change the report's layout or inject HTML.
@Suite("Hostile text")
struct HostileTextTests {
    static let hostile = "| <script>alert(1)</script> ``` # \n## Injected\n- item\n<img src=x onerror=alert(1)> | x"

    /// Every column of the report that carries untrusted text, hostile at once.
    static var report: Report {
        let h = hostile
        var findings = AuditFixture.findings
        findings.append(
            AuditFixture.f("HOSTILE-1", "Title " + h, .critical, "cat" + h, .fail, "pg", "res" + h, "msg " + h,
                remediation: "Fix it " + h))
        findings.append(AuditFixture.f("HOSTILE-2" + h, "T" + h, .high, "security", .error, "pg", "r" + h, "err " + h))
        findings.append(AuditFixture.f("HOSTILE-3", "T" + h, .low, "security", .pass, "evil" + h, "r" + h, h))
        findings.append(AuditFixture.f("HOSTILE-4", "T" + h, .low, "security", .fail, "pg", "waived" + h, h))
        let waivers = AuditFixture.waivers + [
            Waiver(check: "HOSTILE-4", target: "pg", resource: "waived" + h, justification: "because " + h,
                expires: CalendarDate("2030-01-01")!)
        ]
        var targets = AuditFixture.targets
        targets.append(TargetInfo(name: "evil" + h, kind: "files", address: "/srv/" + h))
        var report = AuditFixture.report(findings, targets: targets, waivers: waivers)
        report.tool.version = "1.0 " + h
        report.checks.append(
            Report.CheckRecord(id: "HOSTILE-1", title: h, severity: .low, category: h, path: h, sha256: h))
        return report
    }

    @Test("A hostile message, resource, title or justification cannot inject HTML, headings or table cells")
    func escapedEverywhere() throws {
        let report = Self.report
        #expect(report.findings.contains { $0.status == .waived && $0.checkID == "HOSTILE-4" })
        let md = MarkdownInspection(MarkdownReport.render(report))
        #expect(MarkdownInspection.unescaped("<", in: md.text) == 0, "no HTML tag can open")
        #expect(md.text.contains("\\<script>alert(1)\\</script> \\`\\`\\` \\#  \\#\\# Injected - item \\<img"))

        for line in md.lines {
            #expect(!line.hasPrefix("## Injected") && !line.hasPrefix("- item") && !line.hasPrefix("<"), "\(line)")
        }
        for heading in md.headings {
            #expect(
                heading == "# Infrastructure audit report" || heading == "### Components"
                    || (heading.hasPrefix("## ") && !heading.contains("Injected")) || heading.hasPrefix("### ["),
                "\(heading)")
        }
        #expect(md.headings.filter { $0.hasPrefix("## ") }.count == 8)

        try expectTablesKeepTheirColumns(md)
        #expect(md.tables.count >= 8)
    }

    @Test("Hostile evidence and remediation stay inside their code spans and blocks")
    func codeStaysCode() throws {
        var findings = AuditFixture.findings
        findings.append(
            AuditFixture.f(
                "EVIDENCE-NESTED", "Nested", .high, "security", .fail, "pg", "nested", "m",
                evidence: ["config": ["x": "```\n# pwned\n</code><script>", "y": "````"]],
                remediation: "Do this:\n```\n# pwned in snippet `````\n```\nthen <b>reload</b>."))
        findings.append(
            AuditFixture.f(
                "EVIDENCE-FLAT", "Flat", .high, "security", .fail, "pg", "flat", "m",
                evidence: ["k|e`y": "va|l``ue \\| end\\", "pipe": "|", "tick": "`"]))
        let md = MarkdownInspection(MarkdownReport.render(AuditFixture.report(findings)))

        let outside = md.linesOutsideFences.joined(separator: "\n")
        #expect(!outside.contains("pwned"))
        #expect(MarkdownInspection.unescaped("<", in: outside) == 0)
        #expect(outside.contains("then \\<b>reload\\</b>."))
        #expect(md.text.contains("`````json\n{\n  \"config\": {\n    \"x\": \"```\\n# pwned\\n</code><script>\","))
        #expect(md.text.contains("``````\n# pwned in snippet `````\n``````"))
        #expect(md.text.contains("| ``k\\|e`y`` | ```va\\|l``ue \\\\| end\\``` |\n| `pipe` | `\\|` |\n| `tick` | `` ` `` |"))
        try expectTablesKeepTheirColumns(md)
    }

    @Test("GitHub's renderer shows hostile text as text", .enabled(if: CMarkGFM.isInstalled, "needs cmark-gfm"))
    func renderedByCMarkGFM() throws {
        let html = try CMarkGFM.html(MarkdownReport.render(Self.report))
        let lower = html.lowercased()
        for tag in ["<script", "<img", "<a ", "<del", "<code>#"] { #expect(!lower.contains(tag), "\(tag)") }
        #expect(CMarkGFM.occurrences(of: "<h1>", in: html) == 1)
        #expect(CMarkGFM.occurrences(of: "<h2>", in: html) == 8)
        // The hostile text comes out whole, as text, in the header line, headings and table cells.
        let shown = Self.hostile.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        #expect(html.contains("<p>Generated by assay 1.0 \(shown) · run started"))
        #expect(html.contains("<h3>[CRITICAL] HOSTILE-1 — Title \(shown)</h3>"))
        #expect(html.contains("<td>evil\(shown)</td>\n<td>files</td>\n<td>/srv/\(shown)</td>"))
        #expect(html.contains("<blockquote>\n<p>msg \(shown)</p>\n</blockquote>"))
        #expect(CMarkGFM.occurrences(of: shown, in: html) >= 20)
    }

    @Test("GitHub's renderer keeps hostile evidence inside code", .enabled(if: CMarkGFM.isInstalled, "needs cmark-gfm"))
    func codeRenderedByCMarkGFM() throws {
        let finding = AuditFixture.f(
            "EVIDENCE-NESTED", "Nested", .high, "security", .fail, "pg", "nested", "m",
            evidence: ["config": ["x": "```\n# pwned\n</code><script>"], "k|e`y": "v"],
            remediation: "Do this:\n```\n# pwned in snippet `````\n</code><script>\n```\nthen reload.")
        let html = try CMarkGFM.html(MarkdownReport.render(AuditFixture.report([finding])))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<h1>#") && !html.contains("<h1>pwned"))
        #expect(html.contains("<pre><code class=\"language-json\">{\n  &quot;config&quot;: {\n    &quot;x&quot;: &quot;```\\n# pwned\\n&lt;/code&gt;&lt;script&gt;&quot;"))
        #expect(html.contains("<pre><code># pwned in snippet `````\n&lt;/code&gt;&lt;script&gt;\n</code></pre>\n<p>then reload.</p>"))
    }

    private func expectTablesKeepTheirColumns(_ md: MarkdownInspection) throws {
        for table in md.tables {
            let header = MarkdownInspection.separators(table[0])
            try #require(table.count >= 2)
            #expect(table[1].hasPrefix("|---"))
            #expect(MarkdownInspection.separators(table[1]) == header)
            for row in table { #expect(MarkdownInspection.separators(row) == header, "\(row)") }
        }
    }
}
