import AssayCore

// MARK: - Waivers

extension MarkdownReport {
    static func waivers(_ view: ReportView) -> [String] {
        var blocks = ["## Waivers"]
        guard !view.waivers.isEmpty else {
            blocks.append("No waiver was given.")
            return blocks
        }
        blocks.append(
            "An active waiver turns the failures it matches into waived findings, which are not scored. An expired "
                + "waiver no longer counts: the failures it matches stay open. Matched counts the failures each "
                + "waiver covers, or would have covered.")
        var table = MarkdownTable([
            ("Check", .left), ("Target", .left), ("Resource", .left), ("Justification", .left), ("Expires", .left),
            ("State", .left), ("Matched", .right),
        ])
        for outcome in view.waivers {
            let w = outcome.waiver
            table.append([
                MarkdownText.escape(w.check), w.target.map(MarkdownText.escape) ?? "any",
                w.resource.map(MarkdownText.escape) ?? "any", MarkdownText.escape(w.justification),
                w.expires.description, stateText(outcome.state), String(outcome.matched),
            ])
        }
        blocks.append(table.text)
        return blocks
    }

    private static func stateText(_ state: WaiverOutcome.State) -> String {
        switch state {
        case .active: "active"
        case .expired: "**expired**"
        case .unused: "unused"
        }
    }
}
