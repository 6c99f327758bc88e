import AssayKit
import AssayTestSupport
import Foundation
import Testing

@Suite("Prometheus output")
struct PrometheusOutputTests {
    @Test("promtool accepts the metrics", .enabled(if: ExternalTools.find("promtool") != nil, "needs promtool (Debian's prometheus; scripts/install-deps)"))
    func promtoolAcceptsThem() throws {
        let (folder, path, _) = try Self.rendered()
        defer { folder.remove() }
        let check = try Program.run("/bin/sh", ["-c", "promtool check metrics < \"$1\"", "sh", path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        // promtool is not a rubber stamp: a malformed line fails it.
        try folder.write("broken.prom", (try String(contentsOfFile: path, encoding: .utf8)) + "assay_broken{label=\"x} 1\n")
        #expect(try Program.run("/bin/sh", ["-c", "promtool check metrics < \"$1\"", "sh", folder.file("broken.prom")]).status != 0)
    }

    @Test func theMetricsSayWhatTheReportSays() throws {
        let (folder, path, result) = try Self.rendered()
        defer { folder.remove() }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let report = result.report
        #expect(text.contains("assay_verdict{verdict=\"NOT CERTIFIED\"} 1\n"))
        #expect(text.contains("assay_verdict{verdict=\"CERTIFIED\"} 0\n"))
        #expect(text.contains("assay_score_overall \(report.scores.overall!)\n"))
        let high = report.findings.filter { $0.target == "sample" && $0.isOpen && $0.severity == .high }.count
        #expect(text.contains("assay_open_findings{component=\"sample\",severity=\"high\"} \(high)\n"))
        #expect(text.contains("assay_checks_errored 1\n"))
        #expect(text.contains("assay_certification_expiry_timestamp_seconds 1893456000\n"))
        #expect(text.contains("assay_last_run_timestamp_seconds \(RFC3339.unixSeconds(report.finishedAt)!)\n"))
        #expect(text.hasSuffix("\n"))
    }

    @Test func labelValuesAreEscaped() {
        #expect(PrometheusRenderer.labelValue("a\"b\\c\nd\u{1}") == "a\\\"b\\\\c\\nd\\\\u{1}")
    }

    static func rendered() throws -> (TemporaryFolder, String, AuditResult) {
        let checks = try TemporaryFolder(OutputFixture.checks)
        defer { checks.remove() }
        let result = try OutputFixture.run(checksFolder: checks.path)
        let folder = try TemporaryFolder()
        return (folder, try OutputFixture.render(PrometheusRenderer(), result, into: folder, validUntil: "2030-01-01T00:00:00Z"), result)
    }
}
