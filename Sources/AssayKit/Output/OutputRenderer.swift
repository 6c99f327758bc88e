import AssayCertify
import AssayCore
import AssayReport

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

/// What a renderer renders: the run's result and what came before it.
public struct RenderInput: Sendable {
    public var result: AuditResult
    /// Whether the run recorded its transcript.
    public var includesTranscript: Bool
    /// The certification this run follows (the one in the output folder, or the one named), for
    /// "since the previous certification"; `nil` on a first run.
    public var previous: Attestation?
    /// The certifications of the chain before this run, oldest first (at most
    /// ``CertificationHistory/trendLength``), for trends.
    public var chain: [Attestation]
    /// When the certification this run issues ends (RFC 3339), when it is signed.
    public var validUntil: String?

    public init(
        result: AuditResult, includesTranscript: Bool, previous: Attestation? = nil, chain: [Attestation] = [],
        validUntil: String? = nil
    ) {
        self.result = result
        self.includesTranscript = includesTranscript
        self.previous = previous
        self.chain = chain
        self.validUntil = validUntil
    }

    public var report: Report { result.report }

    /// The trend across the chain, oldest first, ending with this run.
    public var trend: [TrendPoint] {
        chain.map { TrendPoint(date: $0.issuedAt, verdict: $0.verdict, overall: $0.scores.overall, openFailures: $0.findings.filter { $0.status == .fail }.count) }
            + [TrendPoint(report: report)]
    }

    /// What changed since the previous certification, if there is one.
    public var diff: CertificationDiff? { previous.map { CertificationDiff(old: $0, new: report) } }

    /// The chain as the Markdown and HTML reports take it.
    public var reportContext: ReportContext { ReportContext(trend: trend, sincePrevious: diff?.markdown) }
}

/// The outputs Assay knows, listed once: what `--out` writes by default, and what can be asked for.
public enum OutputRenderers {
    /// Every output, in the order they are written.
    public static let all: [any OutputRenderer] = [
        ReportJSONRenderer(), ReportMarkdownRenderer(), HTMLReportRenderer(), SARIFRenderer(), JUnitRenderer(),
        PrometheusRenderer(), TranscriptRenderer(),
    ]

    /// What `--out` writes unless told otherwise: report.json, report.md, report.html and, when
    /// the run recorded one, the transcript. SARIF, JUnit and Prometheus are written when asked
    /// for (`--format`, `--sarif FILE`, `outputs:` in assay.yaml).
    public static let defaults: [any OutputRenderer] = all.filter { ["json", "markdown", "html", "transcript"].contains($0.format) }

    /// The renderer of a format name.
    public static func named(_ format: String) -> (any OutputRenderer)? { all.first { $0.format == format } }

    /// The format names, for messages: `json, markdown, html, …`.
    public static var formatNames: String { all.map(\.format).joined(separator: ", ") }
}
