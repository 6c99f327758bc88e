import AssayKit
import AssayTestSupport
import Foundation
import Testing

@Suite("SARIF output")
struct SARIFOutputTests {
    static let schema = ExternalTools.schemas.appendingPathComponent("sarif-schema-2.1.0.json").path
    static let canValidate = FileManager.default.fileExists(atPath: schema) && ExternalTools.hasPython(["jsonschema"])

    @Test("valid against the official SARIF 2.1.0 schema", .enabled(if: canValidate, "needs ../shared/schemas and Python's jsonschema (scripts/install-deps)"))
    func validAgainstTheSchema() throws {
        let (folder, path, _) = try Self.rendered()
        defer { folder.remove() }
        let result = try ExternalTools.python(
            """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
            errors = list(jsonschema.Draft4Validator(schema).iter_errors(doc))
            for e in errors[:10]: print(list(e.path), e.message)
            sys.exit(1 if errors else 0)
            """, [Self.schema, path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        // The validator is not a rubber stamp: a document with a wrong level fails it.
        let broken = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\"level\": \"warning\"", with: "\"level\": \"loud\"")
        try folder.write("broken.sarif", broken)
        #expect(try ExternalTools.python("import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))", [Self.schema, folder.file("broken.sarif")]).status != 0)
    }

    @Test("read by sarif-tools", .enabled(if: ExternalTools.find("sarif") != nil, "needs sarif-tools (pip; scripts/install-deps)"))
    func readBySarifTools() throws {
        let (folder, path, result) = try Self.rendered()
        defer { folder.remove() }
        let summary = try Program.run(ExternalTools.find("sarif")!, ["summary", path])
        #expect(summary.status == 0, "\(summary.stderr)")
        // sarif-tools counts results by level, suppressed (waived) ones included.
        let results = result.report.findings.filter { $0.status == .fail || $0.status == .waived }
        let errors = results.filter { $0.severity >= .high }.count
        let warnings = results.filter { $0.severity == .medium }.count
        #expect(summary.stdout.contains("error: \(errors)"), "\(summary.stdout)")
        #expect(summary.stdout.contains("warning: \(warnings)"), "\(summary.stdout)")
    }

    @Test func rulesResultsLocationsSuppressionsAndNotifications() throws {
        let (folder, path, result) = try Self.rendered()
        defer { folder.remove() }
        let document = try JSONParser.parse(Array(FileManager.default.contents(atPath: path)!))
        let run = try #require(document["runs"]?.arrayValue?.first)
        let rules = try #require(run["tool"]?["driver"]?["rules"]?.arrayValue)
        #expect(rules.count == result.report.checks.count)
        let severities = Dictionary(uniqueKeysWithValues: rules.map { ($0["id"]!.stringValue!, $0["properties"]!["security-severity"]!.stringValue!) })
        #expect(severities["OUT-WAIVED"] == "9.5")
        #expect(severities["OUT-ERROR"] == "8.0")
        #expect(severities["OUT-HOSTILE"] == "5.5")
        #expect(severities["OUT-SKIP"] == "3.0")

        let results = try #require(run["results"]?.arrayValue)
        let failures = result.report.findings.filter { $0.status == .fail || $0.status == .waived }
        #expect(results.count == failures.count)
        let hostile = try #require(results.first { $0["ruleId"]?.stringValue == "OUT-HOSTILE" })
        #expect(hostile["level"]?.stringValue == "warning")
        #expect(hostile["message"]?["text"]?.stringValue?.hasPrefix(OutputFixture.hostile) == true)
        let physical = try #require(hostile["locations"]?.arrayValue?.first?["physicalLocation"])
        #expect(physical["artifactLocation"]?["uri"]?.stringValue == "weird%20dir/%C3%A4%25.conf")
        #expect(physical["artifactLocation"]?["uriBaseId"]?.stringValue == "sample")
        #expect(physical["region"]?["startLine"]?.intValue == 3)
        #expect(run["originalUriBaseIds"]?["sample"]?["uri"]?.stringValue?.hasSuffix("/examples/sample-stack/") == true)

        let waived = try #require(results.first { $0["ruleId"]?.stringValue == "OUT-WAIVED" })
        let suppression = try #require(waived["suppressions"]?.arrayValue?.first)
        #expect(suppression["status"]?.stringValue == "accepted")
        #expect(suppression["justification"]?.stringValue?.contains(OutputFixture.waiverJustification) == true)
        #expect(!results.contains { $0["ruleId"]?.stringValue == "OUT-ERROR" || $0["ruleId"]?.stringValue == "OUT-SKIP" })

        let invocation = try #require(run["invocations"]?.arrayValue?.first)
        #expect(invocation["executionSuccessful"]?.boolValue == false)
        let notes = try #require(invocation["toolExecutionNotifications"]?.arrayValue)
        #expect(notes.contains { $0["associatedRule"]?["id"]?.stringValue == "OUT-ERROR" && $0["message"]?["text"]?.stringValue?.contains("could not reach it") == true })
        // A built-in file finding gets its file and line too.
        #expect(results.contains { $0["ruleId"]?.stringValue == "HBA-OPEN" && $0["locations"]?.arrayValue?.first?["physicalLocation"]?["region"]?["startLine"]?.intValue == 7 })
    }

    static func rendered() throws -> (TemporaryFolder, String, AuditResult) {
        let checks = try TemporaryFolder(OutputFixture.checks)
        defer { checks.remove() }
        let result = try OutputFixture.run(checksFolder: checks.path)
        let folder = try TemporaryFolder()
        return (folder, try OutputFixture.render(SARIFRenderer(), result, into: folder), result)
    }
}
