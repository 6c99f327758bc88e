import AssayConnectors
import AssayCore
import AssayLua

/// What an audit run produced.
///
/// `report` and `transcript` are as the checks and connectors made them; ``AuditOutput`` writes
/// them through ``scrubbed()``, the last pass that removes secrets by context and by value (use it
/// too before showing them anywhere else).
public struct AuditResult: Sendable {
    /// The scored report (report.json and report.md are rendered from it).
    public var report: Report
    /// Every distinct connector call and its answer, when the auditor records
    /// (``Auditor/recordsTranscript``); otherwise only the targets.
    public var transcript: Transcript
    /// Connector round trips per target name.
    public var roundTrips: [String: Int]
    /// Every secret the run was given or found, to scrub outputs with.
    public var secrets: SecretRegistry = SecretRegistry()
    /// Whether ``scrubbed()`` made this result.
    public internal(set) var isScrubbed = false

    /// Whether the policy passed: the verdict is one the policy accepts.
    public var policyPassed: Bool { report.policy.passingVerdicts.contains(report.verdict) }

    /// Open (unwaived) failures and errors at or above a severity.
    public func openFindings(atLeast severity: Severity) -> [Finding] {
        report.findings.filter { $0.isOpen && $0.severity >= severity }
    }
}
