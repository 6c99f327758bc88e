import AssayKit
import AssayTestSupport
import Foundation

/// A real audit for the output tests: the sample stack folder (a real files target with the
/// built-in checks' real findings) beside a few checks that make every status and text that
/// would break a careless format: a failure with a file and line and hostile text, an error,
/// a skip, a waived failure.
enum OutputFixture {
    static let hostile = "<script>alert(1)</script> & \"quotes\" 'single' ]]> \u{1}\u{7}\u{1B}[31m end"

    static let checks: [String: String] = [
        "hostile.lua": checkSource(id: "OUT-HOSTILE", severity: "medium", """
            ctx:fail { resource = "res<&>\\"'\\1", message = \(luaString(hostile)),
                       evidence = { file = "weird dir/\u{E4}%.conf", line = 3 } }
            """),
        "error.lua": checkSource(id: "OUT-ERROR", severity: "high", "ctx:error { resource = \"socket\", message = \"could not reach it\" }"),
        "skip.lua": checkSource(id: "OUT-SKIP", severity: "low", "ctx:skip { message = \"not applicable here\" }"),
        "waived.lua": checkSource(id: "OUT-WAIVED", severity: "critical", "ctx:fail { resource = \"accepted\", message = \"a known risk\" }"),
    ]

    static let waiverJustification = "Accepted until the migration <b>finishes</b>."

    /// Runs the audit; `checksFolder` must hold ``checks``.
    static func run(checksFolder: String) throws -> AuditResult {
        let sample = RepositoryPaths.root.appendingPathComponent("examples/sample-stack").path
        var configuration = Configuration(
            targets: [TargetConfiguration(name: "sample", kind: .files, location: sample)], checkPaths: [checksFolder])
        configuration.waivers = [
            Waiver(check: "OUT-WAIVED", justification: waiverJustification, expires: CalendarDate("2999-12-31")!)
        ]
        return try Auditor(configuration: configuration).run()
    }

    static func luaString(_ text: String) -> String {
        var out = "\""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += "\\\(byte)"
            }
        }
        return out + "\""
    }

    /// Renders one format of a result into a file of a fresh folder; returns its path.
    static func render(_ renderer: any OutputRenderer, _ result: AuditResult, into folder: TemporaryFolder, validUntil: String? = nil) throws -> String {
        let input = RenderInput(result: result, includesTranscript: false, validUntil: validUntil)
        let bytes = try renderer.render(input) ?? []
        let path = folder.file(renderer.fileName)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
