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

    /// The classes of issue 8 through the whole auditor: each hostile check is one `error`
    /// finding naming what stopped it, the healthy check beside them is unchanged, and the run
    /// ends in a bounded time (each hostile check is stopped by its instruction budget or a
    /// host-side limit, not by waiting for the wall limit).
    @Test func hostileLibraryCallsHostLimitsAndLoadTimeLoopsEndAsErrors() throws {
        let lying = "setmetatable({}, { __len = function() return math.maxinteger end })"
        let checks = try TemporaryFolder([
            "rep.lua": checkSource(id: "BAD-REP", "local s = string.rep('x', math.maxinteger)"),
            "insert.lua": checkSource(id: "BAD-INSERT", "table.insert(\(lying), 1, 'x')"),
            "sort.lua": checkSource(id: "BAD-SORT", "table.sort(setmetatable({}, { __len = function() return 2147483646 end }))"),
            "backtrack.lua": checkSource(id: "BAD-BACKTRACK", "string.find(string.rep('a', 200000), '.-.-.-.-.-.-.-.-b')"),
            "call.lua": checkSource(id: "BAD-CALL", "local t = {}\nsetmetatable(t, { __call = t })\nt()"),
            "gc.lua": checkSource(id: "BAD-FINALIZER", "setmetatable({}, { __gc = function() ctx:pass() end })"),
            "flood.lua": checkSource(id: "BAD-FLOOD", "local m = string.rep('m', 15 << 20)\nwhile true do pcall(ctx.fail, ctx, m) end"),
            "args.lua": checkSource(id: "BAD-ARGS", "ctx.target:configs({ n = 1 << 50 })"),
            "atload.lua": "table.insert(\(lying), 1, 'x')\n" + checkSource(id: "BAD-AT-LOAD", "ctx:pass()"),
            "good.lua": checkSource(id: "GOOD-ONE", """
                local docs = ctx.target:configs("redis")
                local words = {}
                for w in ("c b a"):gmatch("%a") do words[#words + 1] = w end
                table.sort(words)
                ctx:pass { resource = 'everything', message = #docs .. " " .. table.concat(words) }
                """),
        ])
        defer { checks.remove() }
        let files = try TemporaryFolder(["redis.conf": "port 6379\n"])
        defer { files.remove() }
        var configuration = Configuration(
            targets: [TargetConfiguration(name: "files", kind: .files, location: files.path)], checkPaths: [checks.path],
            builtinChecks: false)
        configuration.limits = SandboxLimits(memoryBytes: 32 << 20, instructions: 5_000_000, timeout: .seconds(8))
        let started = Deadline.now()
        let result = try Auditor(configuration: configuration).run()
        let elapsed = Deadline.now().nanoseconds - started.nanoseconds
        let byCheck = Dictionary(grouping: result.report.findings, by: \.checkID)

        #expect(byCheck["GOOD-ONE"]?.map { "\($0.status) \($0.message)" } == ["pass 1 abc"])
        for (id, needle) in [
            ("BAD-REP", "limits.memory_mb"), ("BAD-INSERT", "limits.instructions"), ("BAD-SORT", "limits.instructions"),
            ("BAD-BACKTRACK", "limits.instructions"), ("BAD-CALL", "__call must be a function"),
            ("BAD-FINALIZER", "__gc metamethods are not allowed"), ("BAD-FLOOD", "limits.findings_max_kb"),
            ("BAD-ARGS", "bad argument #1 to 'configs' (string expected, got table)"),
        ] {
            let findings = byCheck[id] ?? []
            #expect(findings.map(\.status) == [.error], "\(id): \(findings.map(\.message))")
            #expect(findings.first?.message.contains(needle) == true, "\(id): \(findings.first?.message ?? "")")
        }
        let loadErrors = byCheck[Auditor.loadErrorCheckID] ?? []
        #expect(loadErrors.map(\.resource) == ["\(checks.path)/atload.lua"])
        #expect(loadErrors.first?.message.contains("limits.instructions") == true, "\(loadErrors.map(\.message))")
        #expect(elapsed < 6_000_000_000, "the run took \(elapsed / 1_000_000) ms")
    }
}

