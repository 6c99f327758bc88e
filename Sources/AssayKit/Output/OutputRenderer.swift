import AssayCore

/// One output of a run: a file, and how to render it from the run's result.
///
/// Every output — `report.json`, `report.md`, the transcript, and formats added later — is a
/// renderer listed once in ``OutputRenderers``; ``AuditOutput`` writes the chosen ones and the
/// certification signs every file written.
///
/// # Implementation requirements
/// - `render` is a pure function of its input: the same result gives the same bytes (apart from
///   what the report itself says about time), so that two runs on the same state compare.
/// - It never adds a secret the report does not hold; the result is scrubbed before rendering.
public protocol OutputRenderer: Sendable {
    /// The name that selects it (`json`, `markdown`, `transcript`, …).
    var format: String { get }
    /// The file it is written to inside the output folder, unless the caller names another.
    var fileName: String { get }
    /// The bytes of the file, or nil when it has nothing to say for this run (a transcript of a
    /// run that did not record).
    func render(_ input: RenderInput) throws(OutputError) -> [UInt8]?
}

/// What a renderer renders.
public struct RenderInput: Sendable {
    public var result: AuditResult
    /// Whether the run recorded its transcript.
    public var includesTranscript: Bool

    public init(result: AuditResult, includesTranscript: Bool) {
        self.result = result
        self.includesTranscript = includesTranscript
    }

    public var report: Report { result.report }
}

/// The outputs Assay knows, listed once: what `--out` writes by default, and what can be asked for.
public enum OutputRenderers {
    public static let all: [any OutputRenderer] = [ReportJSONRenderer(), ReportMarkdownRenderer(), TranscriptRenderer()]

    /// The renderer of a format name.
    public static func named(_ format: String) -> (any OutputRenderer)? { all.first { $0.format == format } }
}
