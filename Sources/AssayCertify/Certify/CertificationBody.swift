import AssayCore
import AssayReport

/// The Markdown body of a certification: a header (verdict, targets, dates, key, predicate type,
/// previous certification), the changes since the previous certification, then the report.
///
/// The body always ends with a newline: the report's Markdown as given, plus `"\n"` when it
/// does not end with one.
struct CertificationBody {
    var report: Report
    var reportMarkdown: String
    var issuedAt: String
    var validUntil: String
    var keyID: String
    var previous: Attestation.Previous?
    var diff: CertificationDiff?

    var bytes: [UInt8] {
        var lines: [String] = []
        lines.append("# Assay certification: \(report.verdict.rawValue)")
        lines.append("")
        lines.append("| | |")
        lines.append("|---|---|")
        lines.append("| Verdict | **\(report.verdict.rawValue)** |")
        if !report.isComplete {
            lines.append("| Completeness | **INCOMPLETE**: not every planned check ran (see below) |")
        }
        let targets = report.targets.map {
            "\(MarkdownText.code($0.name, inTable: true)) (\($0.kind.rawValue), \(MarkdownText.code($0.address, inTable: true)))"
        }
        lines.append("| Targets | \(targets.isEmpty ? "none" : targets.joined(separator: "<br>")) |")
        lines.append("| Issued | \(MarkdownText.escape(issuedAt)) |")
        lines.append("| Valid until | \(MarkdownText.escape(validUntil)) |")
        lines.append("| Signing key | `\(keyID)` |")
        lines.append("| Predicate type | `\(Attestation.predicateType)` |")
        if let previous {
            lines.append(
                "| Previous certification | `sha256:\(previous.sha256)` (issued \(MarkdownText.escape(previous.issuedAt)), "
                    + "\(previous.verdict.rawValue)) |")
        } else {
            lines.append("| Previous certification | none |")
        }
        if !report.isComplete {
            lines.append("")
            lines.append("This audit is incomplete; what it did not check cannot count as passed:")
            lines.append("")
            lines += report.incomplete.map { "- " + MarkdownText.escape($0) }
        }
        if !report.decision.reasons.isEmpty {
            lines.append("")
            lines.append("Why not a better verdict:")
            lines.append("")
            lines += report.decision.reasons.map { "- " + MarkdownText.escape($0) }
        }
        lines.append("")
        lines.append(
            "This document is signed. The DSSE envelope after the line `\(SignedMarkdown.marker)` covers the SHA-256 "
                + "of everything above that line except the empty line before it (the subject `certification.md`); "
                + "see docs/verifying-certifications.md in Assay.")
        if let diff {
            lines.append("")
            lines.append("## Since the previous certification")
            lines.append("")
            lines.append(diff.markdown.dropLast().description)
        }
        lines.append("")
        lines.append("---")
        lines.append("")
        var bytes = Array((lines.joined(separator: "\n") + "\n" + reportMarkdown).utf8)
        if bytes.last != 0x0A { bytes.append(0x0A) }
        return bytes
    }
}
