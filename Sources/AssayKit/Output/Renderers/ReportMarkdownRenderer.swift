import AssayReport

/// `report.md`: the audit report a person reads.
public struct ReportMarkdownRenderer: OutputRenderer {
    public init() {}
    public var format: String { "markdown" }
    public var fileName: String { "report.md" }

    public func render(_ input: RenderInput) throws(OutputError) -> [UInt8]? {
        Array(MarkdownReport.render(input.report).utf8)
    }
}
