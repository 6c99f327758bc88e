import AssayCore

/// A file written next to a certification, which it signs by name and SHA-256.
public struct SignedFile: Hashable, Sendable {
    /// The file's name in the output folder, its subject name (`report.json`).
    public var name: String
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// Everything a certification is made from.
public struct CertificationInput: Sendable {
    /// The audit result.
    public var report: Report
    /// Every file the run wrote next to the certification (`report.json` among them), each of
    /// which becomes a subject of the statement.
    public var files: [SignedFile]
    /// The report rendered as Markdown; it becomes the end of the certification body.
    public var reportMarkdown: String
    /// The previous certification's file (`certification.json`, or `certification.md`, whose
    /// fenced block holds the same bytes), to chain to and diff against.
    public var previous: [UInt8]?
    /// When the certification is issued, RFC 3339 (e.g. `2025-06-01T12:00:00Z`).
    public var issuedAt: String
    /// The end of the validity period, RFC 3339, after `issuedAt`.
    public var validUntil: String
    /// Whether the body gets its own section "Since the previous certification" (default true);
    /// false when `reportMarkdown` already carries it, as Assay's own report.md does.
    public var diffInBody: Bool = true

    public init(
        report: Report, files: [SignedFile], reportMarkdown: String, previous: [UInt8]? = nil, issuedAt: String,
        validUntil: String
    ) {
        self.report = report
        self.files = files
        self.reportMarkdown = reportMarkdown
        self.previous = previous
        self.issuedAt = issuedAt
        self.validUntil = validUntil
    }

    /// The usual files: `report.json` and, when the run recorded one, `transcript.jsonl`.
    public init(
        report: Report, reportJSON: [UInt8], reportMarkdown: String, transcript: [UInt8]? = nil,
        previous: [UInt8]? = nil, issuedAt: String, validUntil: String
    ) {
        var files = [SignedFile(name: Attestation.reportSubject, bytes: reportJSON)]
        if let transcript { files.append(SignedFile(name: Attestation.transcriptSubject, bytes: transcript)) }
        self.init(report: report, files: files, reportMarkdown: reportMarkdown, previous: previous, issuedAt: issuedAt, validUntil: validUntil)
    }
}

/// An issued certification: the bytes of its two files and what they state.
public struct SignedCertification: Sendable {
    /// `certification.json`: the DSSE envelope, pretty JSON ending with a newline.
    public var json: [UInt8]
    /// `certification.md`: the body, the marker line and the envelope in a fenced block.
    public var markdown: [UInt8]
    /// The Markdown body, whose SHA-256 is the subject `certification.md`.
    public var body: [UInt8]
    /// The exact statement bytes (the envelope's payload).
    public var statement: [UInt8]
    /// The statement, read back.
    public var attestation: Attestation
}
