/// The outcome of a certification run.
public enum Verdict: String, CaseIterable, Hashable, Sendable, Codable {
    case certified = "CERTIFIED"
    case conditional = "CONDITIONAL"
    case notCertified = "NOT CERTIFIED"
}

/// A verdict and why the better verdicts were not reached.
public struct VerdictDecision: Hashable, Sendable {
    public var verdict: Verdict
    /// Human-readable reasons, e.g. "2 open high findings (at most 0 for CERTIFIED)".
    public var reasons: [String]

    public init(verdict: Verdict, reasons: [String]) {
        self.verdict = verdict
        self.reasons = reasons
    }
}

extension Policy {
    /// Decides the verdict of scored findings.
    public func decide(_ findings: [Finding], scores: Scores) -> VerdictDecision {
        let certifiedGaps = gaps(certified, named: Verdict.certified, findings: findings, scores: scores)
        if certifiedGaps.isEmpty { return VerdictDecision(verdict: .certified, reasons: []) }
        let conditionalGaps = gaps(conditional, named: Verdict.conditional, findings: findings, scores: scores)
        if conditionalGaps.isEmpty { return VerdictDecision(verdict: .conditional, reasons: certifiedGaps) }
        return VerdictDecision(verdict: .notCertified, reasons: conditionalGaps + certifiedGaps)
    }

    private func gaps(_ gate: Gate, named verdict: Verdict, findings: [Finding], scores: Scores) -> [String] {
        var reasons: [String] = []
        if let overall = scores.overall {
            if overall < gate.minScore {
                reasons.append("overall score \(overall) is below \(gate.minScore) (\(verdict.rawValue))")
            }
        } else {
            reasons.append("nothing was scored (\(verdict.rawValue) needs \(gate.minScore))")
        }
        for severity in Severity.allCases {
            guard let limit = gate.maxOpen[severity] else { continue }
            let open = findings.filter { $0.status == .fail && $0.severity == severity }.count
            if open > limit {
                reasons.append("\(open) open \(severity.rawValue) finding\(open == 1 ? "" : "s") (at most \(limit) for \(verdict.rawValue))")
            }
        }
        if let limit = gate.maxErrors {
            let errors = findings.filter { $0.status == .error }.count
            if errors > limit {
                reasons.append("\(errors) check\(errors == 1 ? "" : "s") could not run (at most \(limit) for \(verdict.rawValue))")
            }
        }
        return reasons
    }
}

extension Verdict: CustomStringConvertible {
    /// The name reports use: `NOT CERTIFIED`.
    public var description: String { rawValue }
}
