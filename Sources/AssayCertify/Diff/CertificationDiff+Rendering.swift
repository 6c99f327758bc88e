import AssayCore
import AssayReport

// MARK: - Markdown and plain text

extension CertificationDiff {
    /// The diff as Markdown, headings at level 3 (the certification body puts it under
    /// `## Since the previous certification`).
    public var markdown: String {
        var lines: [String] = []
        if oldVerdict == newVerdict {
            lines.append("**Verdict:** \(newVerdict.rawValue) (unchanged)")
        } else {
            lines.append("**Verdict:** \(oldVerdict.rawValue) → \(newVerdict.rawValue)")
        }
        lines += ["", "| Score | Previous | Now | Change |", "|---|---:|---:|---:|"]
        for change in [overall] + categories {
            let name = change.category.map { MarkdownText.code($0, inTable: true) } ?? "**Overall**"
            lines.append("| \(name) | \(Self.text(change.old)) | \(Self.text(change.new)) | \(Self.delta(change)) |")
        }
        lines += ["", "### New findings (\(appeared.count))", ""]
        lines += appeared.isEmpty ? ["None."] : appeared.map { "- " + Self.markdownLine($0) }
        lines += ["", "### Resolved findings (\(resolved.count))", ""]
        lines +=
            resolved.isEmpty
            ? ["None."] : resolved.map { "- " + Self.markdownLine($0.finding) + " — now \(Self.now($0.now))" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The diff as plain text for a terminal (`assay diff OLD NEW`).
    public var plainText: String {
        var lines: [String] = []
        lines.append(
            oldVerdict == newVerdict
                ? "Verdict: \(newVerdict.rawValue) (unchanged)"
                : "Verdict: \(oldVerdict.rawValue) -> \(newVerdict.rawValue)")
        let width = max(7, categories.map { $0.category?.count ?? 0 }.max() ?? 0)
        func row(_ label: String, _ change: ScoreChange) -> String {
            let pad = String(repeating: " ", count: max(0, width - label.count))
            let scores = "\(Self.text(change.old, dash: "-")) -> \(Self.text(change.new, dash: "-"))"
            return "  \(label)\(pad)  \(scores)  \(Self.delta(change, dash: ""))"
        }
        lines.append("Scores:")
        lines.append(row("overall", overall))
        for change in categories { lines.append(row(change.category ?? "", change)) }
        lines.append("New findings (\(appeared.count)):")
        lines += appeared.isEmpty ? ["  none"] : appeared.map { "  + " + Self.plainLine($0) }
        lines.append("Resolved findings (\(resolved.count)):")
        lines +=
            resolved.isEmpty
            ? ["  none"] : resolved.map { "  - " + Self.plainLine($0.finding) + " (now \(Self.now($0.now)))" }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Private

    private static func text(_ score: Score?, dash: String = "—") -> String { score?.description ?? dash }

    private static func delta(_ change: ScoreChange, dash: String = "—") -> String {
        guard let d = change.deltaHundredths else {
            if change.old == nil, change.new != nil { return "new" }
            if change.old != nil, change.new == nil { return "no longer scored" }
            return dash
        }
        if d == 0 { return "±0.00" }
        return (d > 0 ? "+" : "-") + Score(hundredths: abs(d)).description
    }

    private static func now(_ status: Status?) -> String { status?.rawValue ?? "not reported" }

    private static func markdownLine(_ f: Finding) -> String {
        "**\(f.severity.rawValue)** \(MarkdownText.code(f.checkID)) on \(MarkdownText.code(f.target)) "
            + "\(MarkdownText.code(f.resource)) (\(f.status.rawValue)): \(MarkdownText.escape(f.message))"
    }

    private static func plainLine(_ f: Finding) -> String {
        "[\(f.severity.rawValue)] \(f.checkID) \(f.target) \(f.resource) (\(f.status.rawValue)): "
            + MarkdownText.oneLine(f.message)
    }
}
