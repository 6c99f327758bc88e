import AssayCore
import AssayLua

/// What an audit run produced.
public struct AuditResult: Sendable {
    /// The scored report (report.json and report.md are rendered from it).
    public var report: Report
    /// Every distinct connector call and its answer, when the auditor records
    /// (``Auditor/recordsTranscript``); otherwise only the targets.
    public var transcript: Transcript
    /// Connector round trips per target name.
    public var roundTrips: [String: Int]

    /// Whether the policy passed: the verdict is one the policy accepts.
    public var policyPassed: Bool { report.policy.passingVerdicts.contains(report.verdict) }

    /// Open (unwaived) failures and errors at or above a severity.
    public func openFindings(atLeast severity: Severity) -> [Finding] {
        report.findings.filter { $0.isOpen && $0.severity >= severity }
    }
}
