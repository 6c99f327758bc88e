import AssayCore
import AssayKit
import AssayLua
import AssayTestSupport
import Foundation
import Testing

@Suite("Hostile and broken checks end as error findings; the run completes")
struct HostileChecksTests {
    @Test func everyBadCheckIsAnErrorAndTheRestCompletes() throws {
        let checks = try TemporaryFolder([
            "loop.lua": checkSource(id: "BAD-LOOP", "while true do end"),
            "bomb.lua": checkSource(id: "BAD-MEMORY", "local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 4096) .. i end"),
            "recursion.lua": checkSource(id: "BAD-RECURSION", "local function f() return 1 + f() end f()"),
            "runtime.lua": checkSource(id: "BAD-RUNTIME", "local cfg = nil\nreturn cfg.auth_type"),
            "pcall.lua": checkSource(id: "BAD-PCALL", "while true do pcall(error, 'swallowed') end"),
            "syntax.lua": "return assay.check { id = 'BAD-SYNTAX' title = 'x' }",
            "nodescriptor.lua": "local x = 1",
            "good.lua": checkSource(id: "GOOD-ONE", "ctx:pass { resource = 'everything', message = 'fine' }"),
        ])
        defer { checks.remove() }
        let files = try TemporaryFolder(["redis.conf": "port 6379\n"])
        defer { files.remove() }
        var configuration = Configuration(
            targets: [TargetConfiguration(name: "files", kind: .files, location: files.path)], checkPaths: [checks.path],
            builtinChecks: false)
        configuration.limits = SandboxLimits(memoryBytes: 16 << 20, instructions: 5_000_000, timeout: .seconds(5))
        let result = try Auditor(configuration: configuration).run()
        let byCheck = Dictionary(grouping: result.report.findings, by: \.checkID)

        #expect(byCheck["GOOD-ONE"]?.map(\.status) == [.pass])
        for (id, needle) in [
            ("BAD-LOOP", "instruction"), ("BAD-MEMORY", "memory"), ("BAD-RECURSION", "stack overflow|memory"),
            ("BAD-RUNTIME", "runtime.lua:6: attempt to index a nil value"), ("BAD-PCALL", "instruction"),
        ] {
            let findings = byCheck[id] ?? []
            #expect(findings.map(\.status) == [.error], "\(id)")
            let message = findings.first?.message ?? ""
            #expect(needle.split(separator: "|").contains { message.contains($0) }, "\(id): \(message)")
        }
        let loadErrors = byCheck[Auditor.loadErrorCheckID] ?? []
        #expect(loadErrors.map(\.resource).sorted() == ["\(checks.path)/nodescriptor.lua", "\(checks.path)/syntax.lua"])
        #expect(loadErrors.allSatisfy { $0.status == .error })
        #expect(loadErrors.contains { $0.message.contains("syntax.lua:1:") })
        // Errors never count as passes, and they keep the run from being certified.
        #expect(result.report.scores.compliance.passed == 1)
        #expect(result.report.verdict != .certified)
    }
}
