/// What a report says beyond the run itself: the certifications before it.
///
/// The caller (AssayKit's output) reads the chain; the report only renders it, so two runs on the
/// same state — the same history folder included — give the same bytes.
public struct ReportContext: Hashable, Sendable {
    /// The trend across the certification chain, oldest first, ending with this run. Reports show
    /// it when it has at least two points.
    public var trend: [TrendPoint]
    /// "Since the previous certification" as Markdown (headings at level 3), or `nil` when there
    /// is no previous certification.
    public var sincePrevious: String?

    public init(trend: [TrendPoint] = [], sincePrevious: String? = nil) {
        self.trend = trend
        self.sincePrevious = sincePrevious
    }

    /// No chain: a first run.
    public static let none = ReportContext()
}
