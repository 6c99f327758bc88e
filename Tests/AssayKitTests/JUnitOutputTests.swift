import AssayKit
import AssayTestSupport
import Foundation
import Testing

@Suite("JUnit output")
struct JUnitOutputTests {
    static let schema = ExternalTools.schemas.appendingPathComponent("junit-10.xsd").path
    static let canValidate = FileManager.default.fileExists(atPath: schema) && ExternalTools.hasPython(["xmlschema"])

    @Test("valid against junit-10.xsd", .enabled(if: canValidate, "needs ../shared/schemas and Python's xmlschema (scripts/install-deps)"))
    func validAgainstTheSchema() throws {
        let (folder, path, _) = try Self.rendered()
        defer { folder.remove() }
        let script = "import sys, xmlschema; s = xmlschema.XMLSchema(sys.argv[1]); [print(e) for e in list(s.iter_errors(sys.argv[2]))[:10]]; sys.exit(0 if s.is_valid(sys.argv[2]) else 1)"
        let result = try ExternalTools.python(script, [Self.schema, path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        // A testcase without its required name is refused: the check is real.
        let broken = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "<testcase name=", with: "<testcase nom=")
        try folder.write("broken.xml", broken)
        #expect(try ExternalTools.python(script, [Self.schema, folder.file("broken.xml")]).status != 0)
    }

    @Test("parsed by junitparser: a suite per target, a case per check × resource", .enabled(if: ExternalTools.hasPython(["junitparser"]), "needs Python's junitparser (scripts/install-deps)"))
    func parsedByJunitparser() throws {
        let (folder, path, result) = try Self.rendered()
        defer { folder.remove() }
        let script = """
            import sys, json
            from junitparser import JUnitXml, Failure, Error, Skipped
            xml = JUnitXml.fromfile(sys.argv[1]); out = {}
            for suite in xml:
                counts = {"tests": 0, "failure": 0, "error": 0, "skipped": 0, "names": []}
                for case in suite:
                    counts["tests"] += 1; counts["names"].append(case.name)
                    for r in case.result:
                        if isinstance(r, Failure): counts["failure"] += 1
                        elif isinstance(r, Error): counts["error"] += 1
                        elif isinstance(r, Skipped): counts["skipped"] += 1
                out[suite.name] = counts
            print(json.dumps(out))
            """
        let parsed = try ExternalTools.python(script, [path])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        let suites = try JSONParser.parse(Array(parsed.text.utf8))
        let sample = try #require(suites["sample"])
        let mine = result.report.findings.filter { $0.target == "sample" }
        #expect(sample["tests"]?.intValue == Int64(mine.count))
        #expect(sample["failure"]?.intValue == Int64(mine.filter { $0.status == .fail }.count))
        #expect(sample["error"]?.intValue == Int64(mine.filter { $0.status == .error }.count))
        #expect(sample["skipped"]?.intValue == Int64(mine.filter { $0.status == .skip || $0.status == .waived }.count))
        // The hostile resource survives as text, control bytes shown as escapes.
        #expect(sample["names"]?.arrayValue?.contains { $0.stringValue == "OUT-HOSTILE res<&>\"'\\u{1}" } == true)
    }

    static func rendered() throws -> (TemporaryFolder, String, AuditResult) {
        let checks = try TemporaryFolder(OutputFixture.checks)
        defer { checks.remove() }
        let result = try OutputFixture.run(checksFolder: checks.path)
        let folder = try TemporaryFolder()
        return (folder, try OutputFixture.render(JUnitRenderer(), result, into: folder), result)
    }
}
