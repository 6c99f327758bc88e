import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

@Suite("Reports are reproducible")
struct DeterminismTests {
    /// report.json without its two timestamps.
    static func stable(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n")
            .filter { !$0.contains("\"started_at\"") && !$0.contains("\"finished_at\"") }.joined(separator: "\n")
    }

    @Test func twoRunsGiveTheSameReportBytes() throws {
        // A check that reports in hash order: the host must sort what reaches the report.
        let checks = try TemporaryFolder([
            "order.lua": checkSource(id: "ORDER-CHECK", """
                for _, doc in ipairs(ctx.target:configs("dotenv")) do
                  for key, value in pairs(doc.data.variables) do
                    ctx:fail { resource = doc.path .. "#" .. key, message = "seen " .. key, evidence = { key = key, n = { 3, 2, 1 }, nested = { b = 1, a = 2 } } }
                  end
                end
                """)
        ])
        defer { checks.remove() }
        let sample = RepositoryPaths.root.appendingPathComponent("examples/sample-stack").path
        let configuration = Configuration(
            targets: [TargetConfiguration(name: "sample", kind: .files, location: sample)], checkPaths: [checks.path])
        var outputs: [String] = []
        var markdowns: [String] = []
        for _ in 0..<3 {
            let result = try Auditor(configuration: configuration).run()
            outputs.append(Self.stable(AuditOutput.reportJSON(result.report)))
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            _ = try AuditOutput.write(result, to: folder.path, includeTranscript: false, signing: nil)
            markdowns.append(String(decoding: folder.read("report.md"), as: UTF8.self)
                .split(separator: "\n").filter { !$0.contains(result.report.startedAt) && !$0.contains(result.report.finishedAt) }
                .joined(separator: "\n"))
        }
        #expect(outputs[0].contains("ORDER-CHECK"))
        #expect(Set(outputs).count == 1)
        #expect(Set(markdowns).count == 1)
    }
}
