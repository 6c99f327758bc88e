/// What a run must achieve for each verdict, and how findings are weighed.
///
/// The default policy:
/// - `CERTIFIED`: overall score ≥ 8.00, no open critical or high failure, no error finding;
/// - `CONDITIONAL`: overall score ≥ 6.00, no open critical failure;
/// - `NOT CERTIFIED` otherwise.
/// A run "passes" (exit code 0) when its verdict is in ``passingVerdicts``
/// (CERTIFIED and CONDITIONAL by default). Certifications stay valid ``validityDays`` days (30).
public struct Policy: Hashable, Sendable {
    /// The conditions of one verdict.
    public struct Gate: Hashable, Sendable {
        public var minScore: Score
        /// The most open (unwaived) failures allowed per severity; a severity not listed is unlimited.
        public var maxOpen: [Severity: Int]
        /// The most `error` findings allowed; `nil` for unlimited.
        public var maxErrors: Int?

        public init(minScore: Score, maxOpen: [Severity: Int], maxErrors: Int?) {
            self.minScore = minScore
            self.maxOpen = maxOpen
            self.maxErrors = maxErrors
        }
    }

    public var severityWeights: [Severity: Int]
    public var categoryWeights: [String: Int]
    public var certified: Gate
    public var conditional: Gate
    public var passingVerdicts: Set<Verdict>
    public var validityDays: Int

    public init(
        severityWeights: [Severity: Int] = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0, $0.defaultWeight) }),
        categoryWeights: [String: Int] = [:],
        certified: Gate = Gate(minScore: Score(hundredths: 800), maxOpen: [.critical: 0, .high: 0], maxErrors: 0),
        conditional: Gate = Gate(minScore: Score(hundredths: 600), maxOpen: [.critical: 0], maxErrors: nil),
        passingVerdicts: Set<Verdict> = [.certified, .conditional],
        validityDays: Int = 30
    ) {
        self.severityWeights = severityWeights
        self.categoryWeights = categoryWeights
        self.certified = certified
        self.conditional = conditional
        self.passingVerdicts = passingVerdicts
        self.validityDays = validityDays
    }

    public func weight(of severity: Severity) -> Int { severityWeights[severity] ?? severity.defaultWeight }
}
