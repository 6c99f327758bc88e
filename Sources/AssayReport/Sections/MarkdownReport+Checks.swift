import AssayCore

// MARK: - Passed checks and the checks that ran

extension MarkdownReport {
    /// What was verified: one line per check and target, with the number of resources that passed.
    static func passedChecks(_ view: ReportView) -> [String] {
        var blocks = ["## Passed checks"]
        let passed = compactList(view.findings(.pass))
        blocks.append(passed.isEmpty ? "No check passed." : passed)
        let skipped = compactList(view.findings(.skip))
        if !skipped.isEmpty {
            blocks.append("Not applicable (skipped):")
            blocks.append(skipped)
        }
        return blocks
    }

    static func checksThatRan(_ view: ReportView) -> [String] {
        var table = MarkdownTable([
            ("Check", .left), ("Title", .left), ("Severity", .left), ("Category", .left), ("Path", .left),
            ("SHA-256", .left),
        ])
        for check in view.checks {
            table.append([
                MarkdownText.escape(check.id), MarkdownText.escape(check.title), check.severity.rawValue,
                MarkdownText.escape(check.category), MarkdownText.escape(check.path),
                digestCell(check.sha256),
            ])
        }
        if view.checks.isEmpty { table.append(["none"]) }
        return ["## Checks that ran", table.text]
    }

    /// The first 12 hex digits as code; anything that is not hex as escaped text.
    private static func digestCell(_ sha256: String) -> String {
        let prefix = String(sha256.prefix(12))
        let isHex = !prefix.isEmpty && prefix.allSatisfy { $0.isHexDigit }
        return isHex ? MarkdownText.code(prefix) : MarkdownText.escape(prefix)
    }

    /// `- CHECK — Title · target (n resources)`, one line per check and target, sorted by check and target.
    private static func compactList(_ findings: [Finding]) -> String {
        var groups: [(check: String, target: String, title: String, count: Int)] = []
        for f in findings.sorted(by: { ($0.checkID, $0.target, $0.title) < ($1.checkID, $1.target, $1.title) }) {
            if let last = groups.last, last.check == f.checkID, last.target == f.target {
                groups[groups.count - 1].count += 1
            } else {
                groups.append((f.checkID, f.target, f.title, 1))
            }
        }
        return groups.map { g in
            "- \(MarkdownText.escape(g.check)) — \(MarkdownText.escape(g.title)) · \(MarkdownText.escape(g.target))"
                + (g.count > 1 ? " (\(g.count) resources)" : "")
        }.joined(separator: "\n")
    }
}
