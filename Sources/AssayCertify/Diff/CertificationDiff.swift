import AssayCore

/// What changed between two certifications: findings that appeared and were resolved, score
/// changes per category and overall, and the verdict change.
///
/// Findings are matched by ``Finding/key`` (check | target | resource). A finding *appeared*
/// when it is open (fail or error) in the new certification and no finding with its key was open
/// in the old one; it was *resolved* when it was open in the old one and no finding with its key
/// is open in the new one.
///
/// ```swift
/// let diff = try CertificationDiff(old: oldFileBytes, new: newFileBytes)
/// print(diff.plainText)
/// ```
public struct CertificationDiff: Hashable, Sendable {
    /// A finding open before and no longer open, with its status now (`nil`: no longer reported).
    public struct Resolution: Hashable, Sendable {
        public var finding: Finding
        public var now: Status?
    }

    /// A score before and after; `nil` when it was not scored (or the category did not exist).
    public struct ScoreChange: Hashable, Sendable {
        /// The category, or `nil` for the overall score.
        public var category: String?
        public var old: Score?
        public var new: Score?

        /// `new - old` in hundredths, when both exist.
        public var deltaHundredths: Int? {
            guard let old, let new else { return nil }
            return new.hundredths - old.hundredths
        }
    }

    /// Open findings that were not open before, in report order.
    public var appeared: [Finding]
    /// Findings open before that are not open now, in report order of the old certification.
    public var resolved: [Resolution]
    /// One change per category of either certification, sorted by name.
    public var categories: [ScoreChange]
    public var overall: ScoreChange
    public var oldVerdict: Verdict
    public var newVerdict: Verdict

    /// The diff of two attestations. A finding of the old one under a check id the new one lists as
    /// an alias (a check that was renamed or merged) is compared under the new id.
    public init(old: Attestation, new: Attestation) {
        var aliases: [String: String] = [:]
        for check in new.predicate["checks"]?.arrayValue ?? [] {
            guard let id = check["id"]?.stringValue else { continue }
            for alias in check["aliases"]?.arrayValue?.compactMap(\.stringValue) ?? [] { aliases[alias] = id }
        }
        self.init(
            oldFindings: old.findings.map { Self.renamed($0, aliases) }, oldScores: old.scores, oldVerdict: old.verdict,
            newFindings: new.findings, newScores: new.scores, newVerdict: new.verdict)
    }

    static func renamed(_ finding: Finding, _ aliases: [String: String]) -> Finding {
        guard let id = aliases[finding.checkID] else { return finding }
        var finding = finding
        finding.checkID = id
        return finding
    }

    /// What changed from a certification to a report that is not certified yet (the run being
    /// written); the old findings of checks the report lists under an alias are compared under
    /// their new id.
    public init(old: Attestation, new report: Report) {
        let aliases = Dictionary(report.checks.flatMap { check in check.aliases.map { ($0, check.id) } }, uniquingKeysWith: { a, _ in a })
        self.init(
            oldFindings: old.findings.map { Self.renamed($0, aliases) }, oldScores: old.scores, oldVerdict: old.verdict,
            newFindings: report.findings, newScores: report.scores, newVerdict: report.verdict)
    }

    /// The diff of two certification files (`.json` or `.md`), read without verification.
    public init(old: [UInt8], new: [UInt8]) throws {
        self.init(old: try Attestation(certificationFile: old), new: try Attestation(certificationFile: new))
    }

    init(
        oldFindings: [Finding], oldScores: Scores, oldVerdict: Verdict,
        newFindings: [Finding], newScores: Scores, newVerdict: Verdict
    ) {
        let oldOpen = Set(oldFindings.filter(\.isOpen).map(\.key))
        let newOpen = Set(newFindings.filter(\.isOpen).map(\.key))
        var newStatus: [String: Status] = [:]
        for finding in newFindings.sorted(by: Finding.reportOrder) where newStatus[finding.key] == nil {
            newStatus[finding.key] = finding.status
        }
        appeared = newFindings.filter { $0.isOpen && !oldOpen.contains($0.key) }.sorted(by: Finding.reportOrder)
        resolved = oldFindings.filter { $0.isOpen && !newOpen.contains($0.key) }.sorted(by: Finding.reportOrder)
            .map { Resolution(finding: $0, now: newStatus[$0.key]) }
        let before = Dictionary(oldScores.categories.map { ($0.name, $0.score) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(newScores.categories.map { ($0.name, $0.score) }, uniquingKeysWith: { a, _ in a })
        categories = Set(before.keys).union(after.keys).sorted().map { name in
            ScoreChange(category: name, old: before[name] ?? nil, new: after[name] ?? nil)
        }
        overall = ScoreChange(category: nil, old: oldScores.overall, new: newScores.overall)
        self.oldVerdict = oldVerdict
        self.newVerdict = newVerdict
    }

    /// Whether nothing changed: same verdict, same scores, no finding appeared or was resolved.
    public var isEmpty: Bool {
        appeared.isEmpty && resolved.isEmpty && oldVerdict == newVerdict && overall.old == overall.new
            && categories.allSatisfy { $0.old == $0.new }
    }
}
