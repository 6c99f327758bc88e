import AssayCore

// MARK: - Action plan

extension MarkdownReport {
    /// One action per failing check (and severity), most urgent first.
    package struct Action: Equatable {
        package var severity: Severity
        package var checkID: String
        package var title: String
        /// `target/resource` of every failure, in report order.
        package var places: [String]
        package var remediation: String
        /// The last day of the latest expired waiver that no longer covers these failures.
        package var expiredWaiver: String?
    }

    /// Open failures grouped by check and severity, ordered by severity (worst first), then by how
    /// many resources the check failed on (most first), then by check id.
    package static func actions(_ view: ReportView) -> [Action] {
        var order: [String] = []
        var groups: [String: Action] = [:]
        for f in view.findings(.fail) {
            let key = "\(f.severity.rank)|\(f.checkID)"
            let place = f.resource.isEmpty ? f.target : "\(f.target)/\(f.resource)"
            if groups[key] == nil {
                order.append(key)
                groups[key] = Action(
                    severity: f.severity, checkID: f.checkID, title: f.title, places: [], remediation: f.remediation,
                    expiredWaiver: nil)
            }
            groups[key]!.places.append(place)
            if let expires = f.waiver?.expires.description {
                groups[key]!.expiredWaiver = max(groups[key]!.expiredWaiver ?? "", expires)
            }
        }
        return order.map { groups[$0]! }.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if a.places.count != b.places.count { return a.places.count > b.places.count }
            return [a.checkID, a.title, a.remediation].lexicographicallyPrecedes([b.checkID, b.title, b.remediation])
        }
    }

    static func actionPlan(_ view: ReportView) -> [String] {
        let actions = actions(view)
        let errors = view.findings(.error)
        var blocks = ["## Action plan"]
        guard !actions.isEmpty || !errors.isEmpty else {
            blocks.append("Nothing to fix: no open failure.")
            return blocks
        }
        blocks.append("Open failures by priority: severity first, then how many resources the same check failed on.")
        var lines: [String] = []
        for (i, action) in actions.enumerated() {
            lines.append("\(i + 1). " + line(action))
        }
        if !errors.isEmpty {
            let targets = Set(errors.map(\.target)).sorted().map(MarkdownText.escape).joined(separator: ", ")
            lines.append(
                "\(lines.count + 1). Make \(count(errors.count, "check")) that could not run work again on "
                    + "\(targets) and rerun the audit (see “Could not check”).")
        }
        blocks.append(lines.joined(separator: "\n"))
        return blocks
    }

    private static func line(_ a: Action) -> String {
        let shown = a.places.prefix(3).map(MarkdownText.escape).joined(separator: ", ")
        let more = a.places.count > 3 ? " and \(a.places.count - 3) more" : ""
        let on = a.places.count == 1 ? shown : "\(a.places.count) resources (\(shown)\(more))"
        let check = "\(MarkdownText.escape(a.checkID)) (\(MarkdownText.escape(a.title)))"
        var text = "[\(a.severity.label)] Fix \(check) on \(on)"
        let first = Remediation(a.remediation).firstSentence
        if let first {
            text += " — " + MarkdownText.escape(first.count > 200 ? String(first.prefix(199)) + "…" : first)
        } else if !Remediation(a.remediation).parts.isEmpty {
            text += " — apply the configuration snippet under the finding"
        }
        if let expired = a.expiredWaiver { text += " (waiver expired after \(expired))" }
        return text
    }
}
