import AssayCore
import Foundation
import Testing

/// report.json, as `Report.json` writes it, against `schemas/report.schema.json`, with Python's
/// `jsonschema` (Draft 2020-12) as the independent validator.
@Suite("report.json schema")
struct ReportSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let schema = root.appendingPathComponent("schemas/report.schema.json").path

    @Test("A realistic report validates")
    func realistic() throws {
        let report = AuditFixture.report()
        #expect(report.waivers.map(\.state) == [.active, .expired, .unused])
        let result = try validate(report.json)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("An empty report validates: nulls where nothing was scored")
    func empty() throws {
        let report = AuditFixture.report([], targets: [], waivers: [], policy: Policy())
        #expect(report.scores.overall == nil && report.scores.compliance.percent == nil)
        let result = try validate(report.json)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("The schema rejects what report.json never holds")
    func rejects() throws {
        let json = AuditFixture.report().json
        guard case .object(var top) = json, case .array(var findings) = top["findings"],
            case .object(var first) = findings[0]
        else { Issue.record("report.json is not an object with findings"); return }
        first["status"] = "passed"
        findings[0] = .object(first)
        top["findings"] = .array(findings)
        top["verdict_reasons"] = nil
        top["extra"] = true
        let result = try validate(.object(top))
        #expect(result.status == 1)
        #expect(result.output.contains("findings/0/status: 'passed' is not one of"))
        #expect(result.output.contains("'verdict_reasons' is a required property"))
        #expect(result.output.contains("Additional properties are not allowed ('extra' was unexpected)"))
    }

    @Test("docs/report-format.md names every key of report.json")
    func documented() throws {
        let docs = try String(contentsOfFile: Self.root.appendingPathComponent("docs/report-format.md").path, encoding: .utf8)
        // Objects whose keys are data (severities, statuses, categories, evidence) are not descended into.
        let dataKeyed: Set<String> = [
            "findings[].evidence", "scores.categories[].counts", "policy.severity_weights", "policy.category_weights",
            "policy.*.max_open",
        ]
        var paths: Set<String> = []
        func collect(_ value: JSONValue, at path: String) {
            switch value {
            case .object(let members):
                guard !dataKeyed.contains(path) else { return }
                for (key, member) in members {
                    var child = path.isEmpty ? key : path + "." + key
                    for gate in ["policy.certified.", "policy.conditional."] where child.hasPrefix(gate) {
                        child = "policy.*." + child.dropFirst(gate.count)
                    }
                    if child.hasPrefix("findings[].waiver.") { child = "waivers[]." + child.dropFirst(18) }
                    paths.insert(child)
                    collect(member, at: child)
                }
            case .array(let items): items.forEach { collect($0, at: path + "[]") }
            default: break
            }
        }
        collect(AuditFixture.report().json, at: "")
        #expect(paths.count > 50)
        for path in paths.sorted() { #expect(docs.contains("| `\(path)` |"), "\(path)") }
    }

    // MARK: - Helpers

    private func validate(_ json: JSONValue) throws -> (status: Int32, output: String) {
        let path = NSTemporaryDirectory() + "assay-report-\(UUID().uuidString).json"
        try JSONWriter(pretty: true).string(json).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
            for e in sorted(errors, key=str):
                print("/".join(map(str, e.absolute_path)) + ": " + e.message)
            sys.exit(1 if errors else 0)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, Self.schema, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
