import ArgumentParser
import AssayKit

/// One `--fail-on` threshold: `high` (any open finding at or above high) or `medium=5` (more than
/// five open findings at or above medium). Open means an unwaived failure or an error.
struct FailOn: ExpressibleByArgument, Hashable, CustomStringConvertible {
    var severity: Severity
    /// How many open findings at or above ``severity`` are tolerated.
    var allowed: Int

    init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard let severity = Severity(rawValue: String(parts[0]).lowercased()) else { return nil }
        self.severity = severity
        if parts.count == 2 {
            guard let allowed = Int(parts[1]), allowed >= 0 else { return nil }
            self.allowed = allowed
        } else {
            self.allowed = 0
        }
    }

    static var allValueStrings: [String] { Severity.allCases.map(\.rawValue) }

    var description: String { allowed == 0 ? severity.rawValue : "\(severity.rawValue)=\(allowed)" }

    func count(_ result: AuditResult) -> Int { result.openFindings(atLeast: severity).count }

    func isExceeded(by result: AuditResult) -> Bool { count(result) > allowed }
}
