/// The score of one category: the share of its applicable weight that passed, out of 10.
public struct CategoryScore: Hashable, Sendable {
    public var name: String
    /// `nil` when nothing in the category carried weight (only info, skipped or waived findings).
    public var score: Score?
    public var passedWeight: Int
    public var applicableWeight: Int
    public var counts: [Status: Int]

    public init(name: String, score: Score?, passedWeight: Int, applicableWeight: Int, counts: [Status: Int]) {
        self.name = name
        self.score = score
        self.passedWeight = passedWeight
        self.applicableWeight = applicableWeight
        self.counts = counts
    }
}

/// Passed findings over applicable ones (pass, fail, error), as counts and a percentage, and the
/// same for checks: a check is applicable when one of its findings is, and passed when none of
/// them failed or errored.
public struct Compliance: Hashable, Sendable {
    /// Findings that passed.
    public var passed: Int
    /// Findings that passed, failed or errored.
    public var applicable: Int
    /// Checks with an applicable finding and no failed or errored one.
    public var checksPassed: Int
    /// Checks with at least one applicable finding.
    public var checksApplicable: Int
    /// The percentage in hundredths (`7143` = 71.43 %); `nil` when nothing was applicable.
    public var percent: Score? {
        applicable > 0 ? Score(ratio: passed, applicable, scale: 100) : nil
    }

    public init(passed: Int, applicable: Int, checksPassed: Int = 0, checksApplicable: Int = 0) {
        self.passed = passed
        self.applicable = applicable
        self.checksPassed = checksPassed
        self.checksApplicable = checksApplicable
    }
}

/// Every score of a run.
public struct Scores: Hashable, Sendable {
    public var categories: [CategoryScore]
    public var overall: Score?
    public var compliance: Compliance

    public init(categories: [CategoryScore], overall: Score?, compliance: Compliance) {
        self.categories = categories
        self.overall = overall
        self.compliance = compliance
    }

    /// Scores findings under a policy.
    ///
    /// - A finding's weight is its severity's weight in the policy.
    /// - `pass` counts as passed and applicable; `fail` and `error` as applicable only;
    ///   `skip` and `waived` not at all. An error is never a pass.
    /// - A category's score is 10 × passed weight ÷ applicable weight.
    /// - The overall score is the mean of the scored categories weighted by the policy's category
    ///   weights (1 unless set).
    /// - Compliance counts findings, whatever their weight, and checks.
    public static func compute(_ findings: [Finding], policy: Policy) -> Scores {
        var byCategory: [String: [Finding]] = [:]
        for finding in findings { byCategory[finding.category, default: []].append(finding) }
        var categories: [CategoryScore] = []
        var weightedSum = 0
        var weightTotal = 0
        for name in byCategory.keys.sorted() {
            let members = byCategory[name]!
            var counts: [Status: Int] = [:]
            var passed = 0
            var applicable = 0
            for finding in members {
                counts[finding.status, default: 0] += 1
                let weight = policy.weight(of: finding.severity)
                switch finding.status {
                case .pass:
                    passed += weight
                    applicable += weight
                case .fail, .error:
                    applicable += weight
                case .skip, .waived:
                    break
                }
            }
            let score = applicable > 0 ? Score(ratio: passed, applicable) : nil
            if let score {
                let w = policy.categoryWeights[name] ?? 1
                weightedSum += w * score.hundredths
                weightTotal += w
            }
            categories.append(
                CategoryScore(name: name, score: score, passedWeight: passed, applicableWeight: applicable, counts: counts))
        }
        let overall = weightTotal > 0 ? Score(hundredths: (2 * weightedSum + weightTotal) / (2 * weightTotal)) : nil
        let passedCount = findings.filter { $0.status == .pass }.count
        let applicableCount = findings.filter { [.pass, .fail, .error].contains($0.status) }.count
        var checks: [String: (applicable: Bool, failed: Bool)] = [:]
        for finding in findings where [.pass, .fail, .error].contains(finding.status) {
            let failed = finding.status != .pass
            checks[finding.checkID] = (true, (checks[finding.checkID]?.failed ?? false) || failed)
        }
        return Scores(
            categories: categories, overall: overall,
            compliance: Compliance(
                passed: passedCount, applicable: applicableCount, checksPassed: checks.values.filter { !$0.failed }.count,
                checksApplicable: checks.count))
    }
}
