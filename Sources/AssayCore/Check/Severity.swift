/// How much a failed check matters, from `critical` down to `info`.
///
/// Each severity carries a default scoring weight (see ``Policy/severityWeights``):
/// critical 10, high 5, medium 3, low 1, info 0. Info findings are reported but never scored.
public enum Severity: String, CaseIterable, Comparable, Hashable, Sendable, Codable {
    case critical, high, medium, low, info

    /// Higher is worse: critical = 4 … info = 0.
    public var rank: Int {
        switch self {
        case .critical: 4
        case .high: 3
        case .medium: 2
        case .low: 1
        case .info: 0
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }

    /// The default scoring weight of a finding of this severity.
    public var defaultWeight: Int {
        switch self {
        case .critical: 10
        case .high: 5
        case .medium: 3
        case .low: 1
        case .info: 0
        }
    }
}

extension Severity: CustomStringConvertible {
    /// The name reports use: `high`.
    public var description: String { rawValue }
}
