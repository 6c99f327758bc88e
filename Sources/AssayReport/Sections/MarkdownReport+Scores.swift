import AssayCore

// MARK: - Scores by category

extension MarkdownReport {
    static func scores(_ view: ReportView) -> [String] {
        var table = MarkdownTable([
            ("Category", .left), ("Score", .right), ("", .left), ("Weight passed", .right), ("Passed", .right),
            ("Failed", .right), ("Errors", .right), ("Waived", .right), ("Skipped", .right),
        ])
        var totals: [Status: Int] = [:]
        for category in view.categories {
            for status in Status.allCases { totals[status, default: 0] += category.counts[status] ?? 0 }
            table.append(
                [
                    MarkdownText.escape(category.name), scoreText(category.score), bar(category.score),
                    "\(category.passedWeight) / \(category.applicableWeight)",
                ] + countCells(category.counts))
        }
        let overall = view.report.scores.overall
        table.append(["**Overall**", "**\(scoreText(overall))**", bar(overall), ""] + countCells(totals))
        return ["## Scores by category", table.text, scoringRules(view.report.policy)]
    }

    /// Ten cells, one per point (rounded half up); empty when nothing was scored.
    static func bar(_ score: Score?) -> String {
        guard let score else { return "" }
        let filled = min(10, max(0, (score.hundredths + 50) / 100))
        return String(repeating: "█", count: filled) + String(repeating: "░", count: 10 - filled)
    }

    private static func countCells(_ counts: [Status: Int]) -> [String] {
        [Status.pass, .fail, .error, .waived, .skip].map { String(counts[$0] ?? 0) }
    }

    /// How the numbers above came about, read from the policy of the run.
    private static func scoringRules(_ policy: Policy) -> String {
        let weights = Severity.allCases.map { "\($0.rawValue) \(policy.weight(of: $0))" }.joined(separator: ", ")
        var text =
            "How these scores are computed: each finding weighs its severity (\(weights)). A category scores "
            + "10 × passed weight ÷ applicable weight; passes, failures and checks that could not run are "
            + "applicable, waived and skipped findings are not. The overall score is the mean of the scored "
            + "categories"
        let custom = policy.categoryWeights.keys.sorted().map {
            "\(MarkdownText.escape($0)) × \(policy.categoryWeights[$0]!)"
        }
        text += custom.isEmpty ? "." : ", weighted (\(custom.joined(separator: ", ")); others × 1)."
        text += " \(Verdict.certified.rawValue) needs \(gateText(policy.certified)); "
        text += "\(Verdict.conditional.rawValue) needs \(gateText(policy.conditional))."
        return text
    }

    private static func gateText(_ gate: Policy.Gate) -> String {
        var parts = ["an overall score of at least \(gate.minScore)"]
        for severity in Severity.allCases {
            guard let limit = gate.maxOpen[severity] else { continue }
            let name = severity.rawValue
            parts.append(limit == 0 ? "no open \(name) failure" : "at most \(limit) open \(name) failures")
        }
        if let limit = gate.maxErrors {
            parts.append(limit == 0 ? "no check that could not run" : "at most \(limit) checks that could not run")
        }
        return parts.dropLast().joined(separator: ", ") + (parts.count > 1 ? " and " : "") + parts.last!
    }
}
