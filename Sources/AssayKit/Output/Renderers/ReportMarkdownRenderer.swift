import AssayReport

/// `report.md`: the audit report a person reads, with the changes since the previous
/// certification and the trend across the chain when there is one.
public struct ReportMarkdownRenderer: OutputRenderer {
    public init() {}
    public var format: String { "markdown" }
    public var fileName: String { "report.md" }

    public func render(_ input: RenderInput) throws(OutputError) -> [UInt8]? {
        Array(MarkdownReport.render(input.report, context: input.reportContext).utf8)
    }
}
