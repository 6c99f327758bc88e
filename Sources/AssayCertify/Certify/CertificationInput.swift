import AssayCore

/// Everything a certification is made from.
public struct CertificationInput: Sendable {
    /// The audit result.
    public var report: Report
    /// The exact bytes of `report.json` as written next to the certification.
    public var reportJSON: [UInt8]
    /// The report rendered as Markdown; it becomes the end of the certification body.
    public var reportMarkdown: String
    /// The exact bytes of `transcript.jsonl`, when the run recorded one.
    public var transcript: [UInt8]?
    /// The previous certification's file (`certification.json`, or `certification.md`, whose
    /// fenced block holds the same bytes), to chain to and diff against.
    public var previous: [UInt8]?
    /// When the certification is issued, RFC 3339 (e.g. `2025-06-01T12:00:00Z`).
    public var issuedAt: String
    /// The end of the validity period, RFC 3339, after `issuedAt`.
    public var validUntil: String

    public init(
        report: Report, reportJSON: [UInt8], reportMarkdown: String, transcript: [UInt8]? = nil,
        previous: [UInt8]? = nil, issuedAt: String, validUntil: String
    ) {
        self.report = report
        self.reportJSON = reportJSON
        self.reportMarkdown = reportMarkdown
        self.transcript = transcript
        self.previous = previous
        self.issuedAt = issuedAt
        self.validUntil = validUntil
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
