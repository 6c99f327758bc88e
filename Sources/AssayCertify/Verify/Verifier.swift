import AssayCore

/// The two file forms of a certification.
public enum CertificationFormat: Sendable {
    /// `certification.json`: the DSSE envelope.
    case json
    /// `certification.md`: the signed body, the marker line and the envelope in a fenced block.
    case markdown

    /// `.markdown` for names ending in `.md` or `.markdown`, `.json` otherwise.
    public init(fileName: String) {
        let lower = fileName.lowercased()
        self = lower.hasSuffix(".md") || lower.hasSuffix(".markdown") ? .markdown : .json
    }
}

/// A certification whose signature, subjects and validity were checked.
public struct VerifiedCertification: Sendable {
    /// What the certification states.
    public var attestation: Attestation
    /// The id of the key whose signature verified.
    public var keyID: String
    /// The subjects whose files were hashed and matched: `certification.md` for the Markdown
    /// form, and the name of every sibling given.
    public var subjectsChecked: [String]
    /// Whether `valid_until` has passed (only possible with `allowExpired`).
    public var isExpired: Bool

    public var verdict: Verdict { attestation.verdict }
    public var issuedAt: String { attestation.issuedAt }
    public var validUntil: String { attestation.validUntil }
}

/// Verifies certifications: the DSSE signature over PAE with a given public key, the in-toto
/// statement and predicate type, the digests of the Markdown body and of any sibling files, and
/// the validity period.
///
/// ```swift
/// let result = try Verifier.verify(
///     contents: bytes, format: .markdown, key: try KeyFiles.loadVerifyingKey(path: "public.pem"),
///     now: Int64(time(nil)), siblings: ["report.json": reportBytes])
/// print(result.verdict, result.validUntil)
/// ```
public enum Verifier {
    /// Verifies one certification file.
    ///
    /// The checks run in this order, and the first failure is thrown as a ``CertificationError``:
    /// 1. the envelope is read (from the fenced block after the marker line for `.markdown`) —
    ///    `.malformedEnvelope`;
    /// 2. `payloadType` is `application/vnd.in-toto+json` — `.wrongPayloadType`;
    /// 3. a signature names `key`'s id — `.keyIDMismatch` — and verifies over PAE —
    ///    `.signatureInvalid` ("signature does not verify with key <id>");
    /// 4. the payload is an in-toto Statement v1 with Assay's predicate — `.notAStatement`,
    ///    `.wrongPredicateType`;
    /// 5. for `.markdown`, the SHA-256 of the body equals the subject `certification.md`, and
    ///    each sibling's SHA-256 equals the subject of its name — `.subjectMismatch`,
    ///    `.unknownSubject`;
    /// 6. `valid_until` is not before `now`, unless `allowExpired` — `.expired`.
    ///
    /// - Parameters:
    ///   - contents: The bytes of the certification file.
    ///   - format: Which of the two forms `contents` is.
    ///   - key: The public key the certification must be signed with.
    ///   - now: The current time in seconds since 1970-01-01T00:00:00Z.
    ///   - allowExpired: Accept a certification whose `valid_until` has passed.
    ///   - siblings: Files to check against the subjects, by subject name (`report.json`,
    ///     `transcript.jsonl`; `certification.md` may be the whole Markdown file).
    public static func verify(
        contents: [UInt8], format: CertificationFormat, key: VerifyingKey, now: Int64, allowExpired: Bool = false,
        siblings: [String: [UInt8]] = [:]
    ) throws -> VerifiedCertification {
        var envelopeBytes = contents
        var body: [UInt8]?
        if format == .markdown {
            let parts = try SignedMarkdown.parts(of: contents)
            envelopeBytes = parts.envelope
            body = parts.body
        }
        let envelope = try DSSEEnvelope(jsonBytes: envelopeBytes)
        guard envelope.payloadType == DSSEEnvelope.inTotoPayloadType else {
            throw CertificationError(
                .wrongPayloadType,
                "payloadType is \"\(envelope.payloadType)\", not \"\(DSSEEnvelope.inTotoPayloadType)\"")
        }
        let keyID = key.keyID
        let candidates = envelope.signatures.filter { $0.keyID == keyID || $0.keyID.isEmpty }
        guard !candidates.isEmpty else {
            let named = envelope.signatures.map(\.keyID).joined(separator: ", ")
            throw CertificationError(.keyIDMismatch, "the certification is signed by key \(named), not by key \(keyID)")
        }
        let pae = envelope.pae
        guard candidates.contains(where: { key.isValidSignature($0.sig, for: pae) }) else {
            throw CertificationError(.signatureInvalid, "signature does not verify with key \(keyID)")
        }

        let attestation = try Attestation(statement: envelope.payload)
        var checked: [String] = []
        var files: [(name: String, bytes: [UInt8])] = []
        if let body { files.append((Attestation.markdownSubject, body)) }
        for name in siblings.keys.sorted() {
            var bytes = siblings[name]!
            if name == Attestation.markdownSubject, let parts = SignedMarkdown.split(bytes) { bytes = parts.body }
            files.append((name, bytes))
        }
        for file in files {
            guard let subject = attestation.subject(named: file.name) else {
                let names = attestation.subjects.map(\.name).joined(separator: ", ")
                throw CertificationError(
                    .unknownSubject, "the certification has no subject \(file.name) (its subjects: \(names))")
            }
            let digest = Digest.sha256Hex(file.bytes)
            guard digest == subject.sha256 else {
                throw CertificationError(
                    .subjectMismatch,
                    "\(file.name) does not match the certification: its SHA-256 is \(digest), "
                        + "the signed digest is \(subject.sha256)")
            }
            if !checked.contains(file.name) { checked.append(file.name) }
        }

        // Attestation(statement:) accepted valid_until only if it parses.
        let expired = RFC3339.unixSeconds(attestation.validUntil)! < now
        if expired, !allowExpired {
            throw CertificationError(
                .expired,
                "the certification expired: valid until \(attestation.validUntil), "
                    + "now is \(RFC3339.string(unixSeconds: now))")
        }
        return VerifiedCertification(
            attestation: attestation, keyID: keyID, subjectsChecked: checked, isExpired: expired)
    }
}
