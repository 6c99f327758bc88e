import AssayCertify
import AssayCore
import AssayLua

/// Turns the findings of a run into a report: components, waivers, order, scores and verdict.
enum ReportAssembler {
    static func assemble(
        findings raw: [Finding], checks: [Check], targets: [TargetInfo], configuration: Configuration, startedAt: Int64,
        finishedAt: Int64, incomplete: [String] = [], components: [Component] = []
    ) -> Report {
        let today = CalendarDate(unixSeconds: startedAt)
        // A waiver may name a check by an id it was known by before.
        let canonical = Dictionary(checks.flatMap { check in check.descriptor.aliases.map { ($0, check.id) } }, uniquingKeysWith: { a, _ in a })
        let waivers = configuration.waivers.map { waiver in
            var waiver = waiver
            waiver.check = canonical[waiver.check] ?? waiver.check
            return waiver
        }
        let attributed = raw.map { ComponentAttribution.attribute($0, components: components) }
        let (waived, outcomes) = Waiver.apply(waivers, to: attributed, on: today)
        let writer = JSONWriter()
        let findings = waived.sorted { a, b in
            if Finding.reportOrder(a, b) { return true }
            if Finding.reportOrder(b, a) { return false }
            return writer.string(a.evidence) < writer.string(b.evidence)
        }
        let scores = Scores.compute(findings, policy: configuration.policy)
        let decision = configuration.policy.decide(findings, scores: scores)
        let records = checks.sorted { $0.id < $1.id }.map { check in
            var record = Report.CheckRecord(
                id: check.id, title: check.descriptor.title, severity: check.descriptor.severity, category: check.descriptor.category,
                path: check.script.path, sha256: Digest.sha256Hex(check.script.source))
            record.aliases = check.descriptor.aliases
            record.component = check.descriptor.component
            return record
        }
        return Report(
            tool: Report.Tool(name: "assay", version: AssayVersion.current, preludeSHA256: Digest.sha256Hex(CheckRuntime.preludeSource)),
            startedAt: RFC3339.string(unixSeconds: startedAt),
            finishedAt: RFC3339.string(unixSeconds: finishedAt), targets: targets.sorted { $0.name < $1.name }, checks: records,
            findings: findings, scores: scores, decision: decision, waivers: outcomes, policy: configuration.policy,
            incomplete: incomplete, components: components)
    }
}
