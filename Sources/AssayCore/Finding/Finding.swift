/// One observation of one check about one resource of one target.
public struct Finding: Hashable, Sendable {
    public var checkID: String
    public var title: String
    /// Usually the check's severity; a check may raise or lower it for one finding.
    public var severity: Severity
    public var category: String
    public var status: Status
    /// The target's name.
    public var target: String
    /// What inside the target the finding is about, e.g. `pool/app/app` or `compose/services.api`.
    public var resource: String
    public var message: String
    /// Structured facts behind the message (values read, thresholds used).
    public var evidence: JSONValue
    public var remediation: String
    /// The waiver that covers this finding, active or expired.
    public var waiver: Waiver?
    /// The component it is about (``Component/name``), when it belongs to one.
    public var component: String?

    public init(
        checkID: String, title: String, severity: Severity, category: String, status: Status, target: String,
        resource: String, message: String, evidence: JSONValue = .object([:]), remediation: String = "",
        waiver: Waiver? = nil, component: String? = nil
    ) {
        self.checkID = checkID
        self.title = title
        self.severity = severity
        self.category = category
        self.status = status
        self.target = target
        self.resource = resource
        self.message = message
        self.evidence = evidence
        self.remediation = remediation
        self.waiver = waiver
        self.component = component
    }

    /// A failure or error that no active waiver covers.
    public var isOpen: Bool { status == .fail || status == .error }

    /// The order findings take in every report: worst first, then by check, target and resource.
    public static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
        let ka = (a.status.reportRank, -a.severity.rank, a.checkID, a.target, a.resource, a.message)
        let kb = (b.status.reportRank, -b.severity.rank, b.checkID, b.target, b.resource, b.message)
        if ka.0 != kb.0 { return ka.0 < kb.0 }
        if ka.1 != kb.1 { return ka.1 < kb.1 }
        if ka.2 != kb.2 { return ka.2 < kb.2 }
        if ka.3 != kb.3 { return ka.3 < kb.3 }
        if ka.4 != kb.4 { return ka.4 < kb.4 }
        return ka.5 < kb.5
    }

    /// Identity of a finding across runs, used by diffs: check, target and resource.
    public var key: String { "\(checkID)|\(target)|\(resource)" }
}

extension Status {
    /// The order statuses take in reports: failures first, then errors, waived, passes, skips.
    public var reportRank: Int {
        switch self {
        case .fail: 0
        case .error: 1
        case .waived: 2
        case .pass: 3
        case .skip: 4
        }
    }
}
