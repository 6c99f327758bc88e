import AssayConnectors
import AssayCore

/// Every connector call of a run and its answer, as JSON Lines (`transcript.jsonl`).
///
/// The first line is a header `{"assay_transcript": 1, "tool": …, "targets": […]}`; each further
/// line is one distinct call: `{"target", "operation", "arguments", "result"}` or `… "error":
/// {"kind", "message"}`, with `"ms"` its duration. Lines are sorted by target, operation and
/// arguments. Connectors redact secrets before answering, and ``AuditResult/scrubbed()`` scrubs
/// the entries once more by context and by value before they are written (``AuditOutput``, `--record`).
/// `assay run --replay transcript.jsonl` reruns every check against it with no server.
public struct Transcript: Sendable {
    /// One recorded call.
    public struct Entry: Sendable {
        public var target: String
        public var operation: String
        public var arguments: [JSONValue]
        public var outcome: Result<JSONValue, ConnectorError>
        public var milliseconds: Int

        public init(target: String, operation: String, arguments: [JSONValue], outcome: Result<JSONValue, ConnectorError>, milliseconds: Int) {
            self.target = target
            self.operation = operation
            self.arguments = arguments
            self.outcome = outcome
            self.milliseconds = milliseconds
        }

        var key: String { Transcript.key(operation: operation, arguments: arguments) }
    }

    public var tool: Report.Tool
    public var targets: [TargetInfo]
    public var entries: [Entry]
    /// The components the run grouped, so a replay judges the same components (nil in a
    /// transcript older than components).
    public var components: [Component]?

    public init(tool: Report.Tool, targets: [TargetInfo], entries: [Entry], components: [Component]? = nil) {
        self.tool = tool
        self.targets = targets
        self.entries = entries
        self.components = components
    }

    static func key(operation: String, arguments: [JSONValue]) -> String {
        operation + " " + JSONWriter().string(.array(arguments))
    }

    /// The JSON Lines bytes.
    public var bytes: [UInt8] {
        let writer = JSONWriter()
        var lines: [String] = []
        var header: [String: JSONValue] = ["assay_transcript": 1, "tool": tool.json, "targets": .array(targets.map(\.json))]
        if let components { header["components"] = .array(components.map(\.json)) }
        lines.append(writer.string(.object(header)))
        let sorted = entries.sorted { ($0.target, $0.key) < ($1.target, $1.key) }
        for entry in sorted { lines.append(writer.string(entry.json)) }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// Reads a transcript back.
    public init(bytes: [UInt8]) throws(ConfigurationError) {
        let lines = bytes.split(separator: UInt8(ascii: "\n"))
        guard let first = lines.first, let header = try? JSONParser.parse(first), header["assay_transcript"]?.intValue == 1 else {
            throw ConfigurationError("not an Assay transcript (the first line must be its header)")
        }
        tool = header["tool"].flatMap(Report.Tool.init(json:)) ?? Report.Tool(name: "assay", version: "?")
        targets = (header["targets"]?.arrayValue ?? []).compactMap(TargetInfo.init(json:))
        components = header["components"]?.arrayValue?.compactMap(Component.init(json:))
        entries = []
        for (index, line) in lines.dropFirst().enumerated() {
            guard let value = try? JSONParser.parse(line), let entry = Entry(json: value) else {
                throw ConfigurationError("transcript line \(index + 2) is malformed")
            }
            entries.append(entry)
        }
    }
}

// MARK: - JSON

extension Transcript.Entry {
    /// One transcript line: `{"target", "operation", "arguments", "result" | "error": {"kind", "message"}, "ms"}`.
    var json: JSONValue {
        var line: [String: JSONValue] = [
            "target": .string(target), "operation": .string(operation),
            "arguments": .array(arguments), "ms": .int(Int64(milliseconds)),
        ]
        switch outcome {
        case .success(let value): line["result"] = value
        case .failure(let error): line["error"] = ["kind": .string(error.kind.rawValue), "message": .string(error.message)]
        }
        return .object(line)
    }

    init?(json value: JSONValue) {
        guard let target = value["target"]?.stringValue, let operation = value["operation"]?.stringValue,
            let arguments = value["arguments"]?.arrayValue
        else { return nil }
        let outcome: Result<JSONValue, ConnectorError>
        if let error = value["error"] {
            let kind = error["kind"]?.stringValue.flatMap(ConnectorError.Kind.init(rawValue:)) ?? .failed
            outcome = .failure(ConnectorError(kind, error["message"]?.stringValue ?? ""))
        } else {
            outcome = .success(value["result"] ?? .null)
        }
        self.init(target: target, operation: operation, arguments: arguments, outcome: outcome,
                  milliseconds: Int(value["ms"]?.intValue ?? 0))
    }
}
