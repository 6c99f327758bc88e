import AssayCore

/// `assay.prom`: the Prometheus text exposition format (0.0.4), for node_exporter's textfile
/// collector or any scraper that reads a file.
///
/// Every metric is a gauge about the last run: `assay_verdict{verdict}` (1 for the verdict
/// reached), `assay_policy_passed`, `assay_run_complete`, `assay_score_overall`,
/// `assay_category_score{category}`, `assay_component_score{component,kind}`,
/// `assay_open_findings{component,severity}` (every pair, zeros included, so that a resolved
/// finding shows as a drop to 0 rather than a missing series), `assay_findings{status}`,
/// `assay_checks_run`, `assay_checks_errored`, `assay_run_duration_seconds`,
/// `assay_last_run_timestamp_seconds` and, for a signed run, `assay_certification_expiry_timestamp_seconds`.
/// The file ends with a newline, as the collector requires; `AuditOutput` writes it to a temporary
/// name and renames it, so the collector never reads half of it.
public struct PrometheusRenderer: OutputRenderer {
    public init() {}
    public var format: String { "prometheus" }
    public var fileName: String { "assay.prom" }

    public func render(_ input: RenderInput) throws(OutputError) -> [UInt8]? {
        let report = input.report
        var text = ""
        func metric(_ name: String, _ help: String, _ samples: [(labels: [(String, String)], value: String)]) {
            guard !samples.isEmpty else { return }
            text += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for sample in samples {
                let labels = sample.labels.isEmpty
                    ? "" : "{" + sample.labels.map { "\($0.0)=\"\(Self.labelValue($0.1))\"" }.joined(separator: ",") + "}"
                text += "\(name)\(labels) \(sample.value)\n"
            }
        }
        metric("assay_info", "The Assay version of the last audit run.", [([("version", report.tool.version)], "1")])
        metric(
            "assay_verdict", "The verdict of the last audit run: 1 for the verdict reached, 0 for the others.",
            Verdict.allCases.map { ([("verdict", $0.rawValue)], $0 == report.verdict ? "1" : "0") })
        metric(
            "assay_policy_passed", "1 when the last run's verdict is one the policy accepts (policy.pass_on).",
            [([], report.policy.passingVerdicts.contains(report.verdict) ? "1" : "0")])
        metric("assay_run_complete", "1 when every planned check of the last run ran.", [([], report.isComplete ? "1" : "0")])
        metric("assay_score_overall", "The overall score of the last run, out of 10.", report.scores.overall.map { [([], $0.description)] } ?? [])
        metric(
            "assay_category_score", "The score of each category in the last run, out of 10.",
            report.scores.categories.sorted { $0.name < $1.name }.compactMap { c in c.score.map { ([("category", c.name)], $0.description) } })
        let components = OutputComponents.of(report)
        metric(
            "assay_component_score", "The score of each component (target) in the last run, out of 10.",
            components.compactMap { c in
                c.scores.overall.map { ([("component", c.name), ("kind", c.kind?.rawValue ?? "")], $0.description) }
            })
        metric(
            "assay_open_findings", "Open (unwaived) failures and errors of the last run, by component and severity.",
            components.flatMap { c in
                Severity.allCases.map { ([("component", c.name), ("severity", $0.rawValue)], String(c.open($0))) }
            })
        metric(
            "assay_findings", "Findings of the last run by status.",
            Status.allCases.map { status in ([("status", status.rawValue)], String(report.findings.filter { $0.status == status }.count)) })
        metric("assay_checks_run", "Check scripts that ran in the last run.", [([], String(report.checks.count))])
        let errored = Set(report.findings.filter { $0.status == .error }.map(\.checkID)).count
        metric("assay_checks_errored", "Check scripts of the last run with at least one finding that could not be checked.", [([], String(errored))])
        let started = RFC3339.unixSeconds(report.startedAt)
        let finished = RFC3339.unixSeconds(report.finishedAt)
        if let started, let finished {
            metric("assay_run_duration_seconds", "How long the last run took, in whole seconds.", [([], String(max(0, finished - started)))])
        }
        if let finished {
            metric("assay_last_run_timestamp_seconds", "When the last run finished, in seconds since the epoch.", [([], String(finished))])
        }
        if let until = input.validUntil.flatMap(RFC3339.unixSeconds) {
            metric(
                "assay_certification_expiry_timestamp_seconds", "When the last run's certification expires, in seconds since the epoch.",
                [([], String(until))])
        }
        return Array(text.utf8)
    }

    /// A label value with `\`, `"` and line feeds escaped as the exposition format requires, and
    /// other control characters shown as `\u{…}`.
    public static func labelValue(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
