import AssayCore

/// Issues signed certifications: an in-toto Statement v1 about the Markdown body and every file
/// the run wrote next to it (`report.json`, `report.md`, the transcript, …), with Assay's
/// certification predicate, in a DSSE envelope signed with Ed25519.
///
/// ```swift
/// let signed = try Certifier.certify(
///     CertificationInput(report: report, reportJSON: reportBytes, reportMarkdown: markdown,
///                        issuedAt: "2025-06-01T12:00:00Z", validUntil: "2025-07-01T12:00:00Z"),
///     key: try KeyFiles.loadSigningKey(path: "keys/private.pem"))
/// // write signed.json to certification.json and signed.markdown to certification.md
/// ```
public enum Certifier {
    /// Builds and signs a certification.
    ///
    /// - Throws: ``CertificationError`` `.invalidInput` when a date is not RFC 3339, `validUntil`
    ///   is not after `issuedAt`, the `report.json` given is not the report's JSON (its verdict or start time
    ///   differ), or the report's Markdown contains the signature marker line; the errors of
    ///   ``Attestation/init(certificationFile:)`` for an unreadable previous certification.
    public static func certify(_ input: CertificationInput, key: SigningKey) throws -> SignedCertification {
        let report = input.report
        guard let issued = RFC3339.unixSeconds(input.issuedAt) else {
            throw CertificationError(.invalidInput, "issued_at \"\(input.issuedAt)\" is not an RFC 3339 date-time")
        }
        guard let until = RFC3339.unixSeconds(input.validUntil) else {
            throw CertificationError(.invalidInput, "valid_until \"\(input.validUntil)\" is not an RFC 3339 date-time")
        }
        guard until > issued else {
            throw CertificationError(
                .invalidInput, "valid_until \(input.validUntil) is not after issued_at \(input.issuedAt)")
        }
        if let reportJSON = input.files.first(where: { $0.name == Attestation.reportSubject }) {
            let parsedReport = try? JSONParser.parse(reportJSON.bytes)
            guard parsedReport?["verdict"]?.stringValue == report.verdict.rawValue,
                parsedReport?["started_at"]?.stringValue == report.startedAt
            else {
                throw CertificationError(.invalidInput, "the report.json bytes given are not the JSON of this report")
            }
        }
        let names = input.files.map(\.name)
        guard Set(names).count == names.count, !names.contains(Attestation.markdownSubject) else {
            throw CertificationError(.invalidInput, "the files to sign must have distinct names other than \(Attestation.markdownSubject)")
        }

        // The chain: the previous certification's file digest, and what changed since.
        var previous: Attestation.Previous?
        var diff: CertificationDiff?
        if let file = input.previous {
            let envelopeFile = try SignedMarkdown.envelopeBytes(ofFile: file)
            let old = try Attestation(certificationFile: envelopeFile)
            previous = Attestation.Previous(
                sha256: Digest.sha256Hex(envelopeFile), issuedAt: old.issuedAt, verdict: old.verdict)
            let aliases = Dictionary(report.checks.flatMap { check in check.aliases.map { ($0, check.id) } }, uniquingKeysWith: { a, _ in a })
            diff = CertificationDiff(
                oldFindings: old.findings.map { CertificationDiff.renamed($0, aliases) }, oldScores: old.scores, oldVerdict: old.verdict,
                newFindings: report.findings, newScores: report.scores, newVerdict: report.verdict)
        }

        let body = CertificationBody(
            report: report, reportMarkdown: input.reportMarkdown, issuedAt: input.issuedAt,
            validUntil: input.validUntil, keyID: key.publicKey.keyID, previous: previous, diff: input.diffInBody ? diff : nil
        ).bytes
        guard SignedMarkdown.markerLine(in: body) == nil else {
            throw CertificationError(
                .invalidInput, "the report's Markdown contains the signature marker line \(SignedMarkdown.marker)")
        }

        let subjects = [Attestation.Subject(name: Attestation.markdownSubject, sha256: Digest.sha256Hex(body))]
            + input.files.map { Attestation.Subject(name: $0.name, sha256: Digest.sha256Hex($0.bytes)) }
        let statementValue: JSONValue = [
            "_type": .string(Attestation.statementType),
            "subject": .array(subjects.map { ["name": .string($0.name), "digest": ["sha256": .string($0.sha256)]] }),
            "predicateType": .string(Attestation.predicateType),
            "predicate": predicate(
                report, issuedAt: input.issuedAt, validUntil: input.validUntil, previous: previous),
        ]
        let statement = JSONWriter().bytes(statementValue)
        let envelope = DSSEEnvelope.sign(payload: statement, payloadType: DSSEEnvelope.inTotoPayloadType, with: key)
        let json = envelope.fileBytes
        return SignedCertification(
            json: json, markdown: SignedMarkdown.assemble(body: body, envelopeFile: json), body: body,
            statement: statement, attestation: try Attestation(statement: statement))
    }

    /// The predicate (see `schemas/certification-predicate.schema.json`).
    static func predicate(_ report: Report, issuedAt: String, validUntil: String, previous: Attestation.Previous?)
        -> JSONValue
    {
        [
            "tool": report.tool.json,
            "started_at": .string(report.startedAt),
            "finished_at": .string(report.finishedAt),
            "issued_at": .string(issuedAt),
            "valid_until": .string(validUntil),
            "targets": .array(report.targets.map(\.json)),
            "verdict": .string(report.verdict.rawValue),
            "verdict_reasons": .array(report.decision.reasons.map { .string($0) }),
            "scores": report.scores.json,
            "findings": .array(report.findings.map(\.json)),
            "waivers": .array(report.waivers.map(\.json)),
            "checks": .array(report.checks.map(\.json)),
            "policy": report.policy.json,
            "incomplete": .array(report.incomplete.map { .string($0) }),
            "previous": previous.map {
                [
                    "sha256": .string($0.sha256), "issued_at": .string($0.issuedAt),
                    "verdict": .string($0.verdict.rawValue),
                ]
            } ?? .null,
        ]
    }
}
