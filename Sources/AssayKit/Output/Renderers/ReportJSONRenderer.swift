import AssayCore

/// `report.json`: the report, pretty, with sorted keys (schema: `schemas/report.schema.json`).
public struct ReportJSONRenderer: OutputRenderer {
    public init() {}
    public var format: String { "json" }
    public var fileName: String { "report.json" }

    public func render(_ input: RenderInput) throws(OutputError) -> [UInt8]? {
        JSONWriter(pretty: true).bytes(input.report.json)
    }
}
