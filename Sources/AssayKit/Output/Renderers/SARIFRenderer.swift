import AssayCore

/// `report.sarif`: SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps,
/// `sarif-tools`).
///
/// - One rule per check that ran: id, title, help with its remediation, and a
///   `security-severity` from its severity (critical 9.5, high 8.0, medium 5.5, low 3.0, info 0.0)
///   that code scanning turns into its own severity.
/// - One result per open failure (level `error` for critical and high, `warning` for medium,
///   `note` below), and one per waived failure carrying a suppression with the waiver's
///   justification. A file finding (evidence `file`, and `line` when known) gets a physical
///   location relative to its target's folder (`uriBaseId` = the target's name, resolved in
///   `originalUriBaseIds`); a live finding gets a logical location `target/resource`.
/// - `error` findings (could not check) are tool execution notifications of the invocation, which
///   is marked unsuccessful, as is an incomplete run.
/// - `partialFingerprints` carry the finding's identity across runs (check, target, resource).
public struct SARIFRenderer: OutputRenderer {
    public init() {}
    public var format: String { "sarif" }
    public var fileName: String { "report.sarif" }

    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

    /// The `security-severity` property of a severity: the CVSS-like number code scanning reads.
    public static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "3.0"
        case .info: "0.0"
        }
    }

    /// The result level of a severity.
    public static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low, .info: "note"
        }
    }

    public func render(_ input: RenderInput) throws(OutputError) -> [UInt8]? {
        let report = input.report
        let checks = report.checks.sorted { ($0.id, $0.path) < ($1.id, $1.path) }
        var ruleIndex: [String: Int] = [:]
        var rules: [JSONValue] = []
        for check in checks where ruleIndex[check.id] == nil {
            ruleIndex[check.id] = rules.count
            rules.append(rule(check, remediation: report.findings.first { $0.checkID == check.id && !$0.remediation.isEmpty }?.remediation))
        }
        let targets = Dictionary(report.targets.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let findings = report.findings.sorted(by: Finding.reportOrder)
        var results: [JSONValue] = []
        for finding in findings where finding.status == .fail || finding.status == .waived {
            results.append(result(finding, ruleIndex: ruleIndex[finding.checkID], target: targets[finding.target]))
        }
        let notifications = findings.filter { $0.status == .error }.map { notification($0, ruleIndex: ruleIndex[$0.checkID]) }
            + report.incomplete.map { reason -> JSONValue in
                ["level": "error", "message": ["text": .string(reason)], "descriptor": ["id": "ASSAY-INCOMPLETE"]]
            }
        var baseIDs: [String: JSONValue] = [:]
        for target in report.targets where target.kind == .files {
            var uri = target.address
            if !uri.hasSuffix("/") { uri += "/" }
            baseIDs[target.name] = ["uri": .string(uri), "description": ["text": .string("the folder of target \(target.name)")]]
        }
        var invocation: JSONValue = [
            "executionSuccessful": .bool(notifications.isEmpty),
            "startTimeUtc": .string(report.startedAt),
            "endTimeUtc": .string(report.finishedAt),
        ]
        if !notifications.isEmpty, case .object(var members) = invocation {
            members["toolExecutionNotifications"] = .array(notifications)
            invocation = .object(members)
        }
        var run: [String: JSONValue] = [
            "tool": [
                "driver": [
                    "name": .string(report.tool.name), "version": .string(report.tool.version),
                    "semanticVersion": .string(report.tool.version), "rules": .array(rules),
                ]
            ],
            "invocations": [invocation],
            "results": .array(results),
            "columnKind": "unicodeCodePoints",
            "properties": [
                "verdict": .string(report.verdict.rawValue),
                "overallScore": report.scores.overall.map { .string($0.description) } ?? .null,
                "complete": .bool(report.isComplete),
            ],
        ]
        if !baseIDs.isEmpty { run["originalUriBaseIds"] = .object(baseIDs) }
        let document: JSONValue = ["$schema": .string(Self.schemaURI), "version": "2.1.0", "runs": [.object(run)]]
        return JSONWriter(pretty: true).bytes(document)
    }

    // MARK: - Parts

    private func rule(_ check: Report.CheckRecord, remediation: String?) -> JSONValue {
        var help = "Severity \(check.severity.rawValue), category \(check.category)."
        if let remediation { help += " Remediation: \(remediation)" }
        return [
            "id": .string(check.id),
            "name": .string(Self.ruleName(check.id)),
            "shortDescription": ["text": .string(check.title)],
            "fullDescription": ["text": .string("\(check.title) (\(check.category); check file \(check.path), sha256 \(check.sha256))")],
            "help": ["text": .string(help)],
            "defaultConfiguration": ["level": .string(Self.level(check.severity))],
            "properties": [
                "security-severity": .string(Self.securitySeverity(check.severity)),
                "tags": .array((check.category == "security" ? ["security"] : ["security", check.category]).map { .string($0) }),
                "precision": "high",
            ],
        ]
    }

    private func result(_ finding: Finding, ruleIndex: Int?, target: TargetInfo?) -> JSONValue {
        var result: [String: JSONValue] = [
            "ruleId": .string(finding.checkID),
            "level": .string(Self.level(finding.severity)),
            "message": ["text": .string(message(finding))],
            "locations": [location(finding, target: target)],
            "partialFingerprints": ["assayFinding/v1": .string(Digest.sha256Hex(Array(finding.key.utf8)))],
            "properties": [
                "severity": .string(finding.severity.rawValue), "category": .string(finding.category),
                "target": .string(finding.target), "resource": .string(finding.resource),
                "security-severity": .string(Self.securitySeverity(finding.severity)),
            ],
        ]
        if let ruleIndex { result["ruleIndex"] = .int(Int64(ruleIndex)) }
        if finding.status == .waived, let waiver = finding.waiver {
            result["suppressions"] = [
                [
                    "kind": "external", "status": "accepted",
                    "justification": .string("\(waiver.justification) (waived until \(waiver.expires))"),
                ]
            ]
        }
        return .object(result)
    }

    private func message(_ finding: Finding) -> String {
        var text = finding.message.isEmpty ? finding.title : finding.message
        if let expired = finding.waiver, finding.status == .fail { text += " (its waiver expired on \(expired.expires))" }
        if !finding.remediation.isEmpty { text += " Remediation: \(finding.remediation)" }
        return text
    }

    /// A physical location for a finding whose evidence names a file of a files target (its line
    /// when known), else a logical one.
    private func location(_ finding: Finding, target: TargetInfo?) -> JSONValue {
        let logical: JSONValue = [
            "name": .string(finding.resource.isEmpty ? finding.target : finding.resource),
            "fullyQualifiedName": .string(finding.resource.isEmpty ? finding.target : "\(finding.target)/\(finding.resource)"),
            "kind": "resource",
        ]
        guard let file = finding.evidence["file"]?.stringValue, !file.isEmpty else {
            return ["logicalLocations": [logical]]
        }
        var artifact: [String: JSONValue] = ["uri": .string(Self.uriReference(file))]
        if target?.kind == .files, !file.hasPrefix("/") { artifact["uriBaseId"] = .string(finding.target) }
        var physical: [String: JSONValue] = ["artifactLocation": .object(artifact)]
        if let line = finding.evidence["line"]?.intValue, line >= 1, line <= Int64(Int32.max) {
            physical["region"] = ["startLine": .int(line)]
        }
        return ["physicalLocation": .object(physical), "logicalLocations": [logical]]
    }

    /// A file path as a URI reference: every byte but unreserved characters and `/` percent-encoded;
    /// an absolute path becomes a `file://` URI.
    static func uriReference(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if c.isASCII, c.isLetter || c.isNumber || "-._~/".contains(c) {
                out.append(c)
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return path.hasPrefix("/") ? "file://" + out : out
    }

    /// `PG-HBA-TRUST` → `PgHbaTrust`: SARIF's rule names are identifiers.
    static func ruleName(_ id: String) -> String {
        id.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { part in
            part.prefix(1).uppercased() + part.dropFirst().lowercased()
        }.joined()
    }

    private func notification(_ finding: Finding, ruleIndex: Int?) -> JSONValue {
        var rule: [String: JSONValue] = ["id": .string(finding.checkID)]
        if let ruleIndex { rule["index"] = .int(Int64(ruleIndex)) }
        return [
            "level": "error",
            "message": ["text": .string("\(finding.checkID) could not check \(finding.target)/\(finding.resource): \(finding.message)")],
            "associatedRule": .object(rule),
            "locations": [["logicalLocations": [["fullyQualifiedName": .string("\(finding.target)/\(finding.resource)"), "kind": "resource"]]]],
        ]
    }
}
