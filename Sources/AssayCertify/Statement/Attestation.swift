import AssayCore

/// What a certification states, read back from its in-toto Statement: the subjects and the
/// Assay certification predicate (see `schemas/certification-predicate.schema.json`).
///
/// Reading an attestation does not verify anything; use ``Verifier`` for that. Diffs read
/// attestations of certifications that were verified before, or whose origin does not matter.
public struct Attestation: Hashable, Sendable {
    /// The in-toto statement type, `https://in-toto.io/Statement/v1`.
    public static let statementType = "https://in-toto.io/Statement/v1"
    /// The predicate type of Assay certifications, `https://assay.dev/certification/v1`.
    public static let predicateType = "https://assay.dev/certification/v1"

    /// Subject names: the Markdown body, the JSON report, the connector transcript.
    public static let markdownSubject = "certification.md"
    public static let reportSubject = "report.json"
    public static let transcriptSubject = "transcript.jsonl"

    /// A file the statement is about, by name and SHA-256.
    public struct Subject: Hashable, Sendable {
        public var name: String
        /// Lowercase hex SHA-256.
        public var sha256: String

        public init(name: String, sha256: String) {
            self.name = name
            self.sha256 = sha256
        }
    }

    /// The link to the certification issued before this one.
    public struct Previous: Hashable, Sendable {
        /// Lowercase hex SHA-256 of the previous `certification.json` file bytes.
        public var sha256: String
        public var issuedAt: String
        public var verdict: Verdict

        public init(sha256: String, issuedAt: String, verdict: Verdict) {
            self.sha256 = sha256
            self.issuedAt = issuedAt
            self.verdict = verdict
        }
    }

    public var subjects: [Subject]
    /// The whole predicate, including what has no typed property here (checks, waivers, policy).
    public var predicate: JSONValue
    public var tool: Report.Tool
    public var targets: [TargetInfo]
    public var verdict: Verdict
    public var verdictReasons: [String]
    public var scores: Scores
    public var findings: [Finding]
    /// RFC 3339 timestamps.
    public var issuedAt: String
    public var validUntil: String
    public var previous: Previous?

    /// The digest of the subject named `name`, if the statement has one.
    public func subject(named name: String) -> Subject? { subjects.first { $0.name == name } }

    /// Reads the statement bytes (an envelope's payload).
    ///
    /// - Throws: ``CertificationError`` `.notAStatement` or `.wrongPredicateType`.
    public init(statement: [UInt8]) throws {
        func invalid(_ why: String) -> CertificationError {
            CertificationError(.notAStatement, "the payload is not an in-toto Statement v1: \(why)")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(statement) } catch { throw invalid("\(error)") }
        guard value["_type"]?.stringValue == Self.statementType else {
            throw invalid("\"_type\" is not \"\(Self.statementType)\"")
        }
        guard let type = value["predicateType"]?.stringValue else { throw invalid("no string \"predicateType\"") }
        guard type == Self.predicateType else {
            throw CertificationError(
                .wrongPredicateType, "predicateType is \"\(type)\", not an Assay certification (\(Self.predicateType))")
        }
        guard let list = value["subject"]?.arrayValue, !list.isEmpty else {
            throw invalid("no non-empty \"subject\" array")
        }
        subjects = try list.map { item in
            guard let name = item["name"]?.stringValue, let digest = item["digest"]?["sha256"]?.stringValue else {
                throw invalid("a subject lacks \"name\" or \"digest\".\"sha256\"")
            }
            return Subject(name: name, sha256: digest)
        }
        guard let predicate = value["predicate"], case .object = predicate else {
            throw invalid("no \"predicate\" object")
        }
        func field<T>(_ name: String, _ read: (JSONValue) -> T?) throws -> T {
            guard let member = predicate[name], let typed = read(member) else {
                throw CertificationError(.notAStatement, "the certification predicate has no valid \"\(name)\"")
            }
            return typed
        }
        self.predicate = predicate
        tool = try field("tool", Report.Tool.init(json:))
        targets = try field("targets") { json in json.arrayValue?.compactMap(TargetInfo.init(json:)) }
        verdict = try field("verdict") { $0.stringValue.flatMap(Verdict.init(rawValue:)) }
        verdictReasons = try field("verdict_reasons") { $0.arrayValue?.compactMap(\.stringValue) }
        scores = try field("scores", Scores.init(json:))
        findings = try field("findings") { $0.arrayValue?.compactMap(Finding.init(json:)) }
        issuedAt = try field("issued_at") { $0.stringValue.flatMap { RFC3339.unixSeconds($0) != nil ? $0 : nil } }
        validUntil = try field("valid_until") { $0.stringValue.flatMap { RFC3339.unixSeconds($0) != nil ? $0 : nil } }
        switch predicate["previous"] {
        case nil, .null?:
            previous = nil
        case let link?:
            guard let digest = link["sha256"]?.stringValue, let issued = link["issued_at"]?.stringValue,
                let verdict = link["verdict"]?.stringValue.flatMap(Verdict.init(rawValue:))
            else { throw CertificationError(.notAStatement, "the certification predicate has no valid \"previous\"") }
            previous = Previous(sha256: digest, issuedAt: issued, verdict: verdict)
        }
    }

    /// Reads the attestation of a certification file (`certification.json` or `certification.md`)
    /// without verifying its signature.
    public init(certificationFile bytes: [UInt8]) throws {
        let envelope = try DSSEEnvelope(jsonBytes: SignedMarkdown.envelopeBytes(ofFile: bytes))
        guard envelope.payloadType == DSSEEnvelope.inTotoPayloadType else {
            throw CertificationError(
                .wrongPayloadType,
                "payloadType is \"\(envelope.payloadType)\", not \"\(DSSEEnvelope.inTotoPayloadType)\"")
        }
        try self.init(statement: envelope.payload)
    }
}
