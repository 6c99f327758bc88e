import AssayCore
import AssayLua
import AssayTestSupport
import Foundation
import Testing

/// What a check makes the host keep or copy outside its Lua heap is counted against the
/// host-side limits: over one, the check is stopped with one `error` finding naming the limit,
/// the findings made before it are kept, and a pcall cannot swallow the stop.
@Suite("Host-side limits stop a check with one error finding naming the limit")
struct HostLimitTests {
    /// A connector that answers `blob n` with n bytes and anything else with a small table.
    static var environment: TestEnvironment {
        var environment = TestEnvironment()
        environment.answer = { _, operation, arguments in
            if operation == "blob", let n = arguments.first?.intValue { return .success(.string(String(repeating: "x", count: Int(n))), problems: []) }
            return .success(["ok": true], problems: [])
        }
        return environment
    }

    static let cases: [(name: String, limits: SandboxLimits, body: String, kept: Int, key: String)] = [
        ("findings_max", SandboxLimits(findings: 10), "while true do pcall(ctx.pass, ctx, 'again') end", 10, "limits.findings_max"),
        ("findings_max_kb: one 15 MiB message, again and again", SandboxLimits(memoryBytes: 64 << 20),
         "local m = string.rep('m', 15 << 20)\nwhile true do pcall(ctx.fail, ctx, m) end", 0, "limits.findings_max_kb"),
        ("findings_max_kb: 100 KiB messages", SandboxLimits(),
         "local m = string.rep('m', 100 << 10)\nfor i = 1, 1000 do ctx:fail { resource = 'r' .. i, message = m } end", 10,
         "limits.findings_max_kb"),
        ("findings_max_kb: evidence", SandboxLimits(findingBytes: 64 << 10),
         "local e = {}\nfor i = 1, 10000 do e[i] = 'evidence ' .. i end\nctx:pass('small')\nctx:fail { message = 'big', evidence = e }", 1,
         "limits.findings_max_kb"),
        ("log_max_kb", SandboxLimits(logBytes: 64 << 10),
         "ctx:pass('before')\nlocal line = string.rep('l', 1000)\nwhile true do pcall(print, line) end", 1, "limits.log_max_kb"),
        ("calls_max: endless distinct calls", SandboxLimits(calls: 100),
         "ctx:pass('before')\nlocal i = 0\nwhile true do i = i + 1; pcall(ctx.target.get, ctx.target, '/x/' .. i) end", 1, "limits.calls_max"),
        ("call_arguments_max_kb", SandboxLimits(callArgumentBytes: 256 << 10),
         "local a = string.rep('a', 100 << 10)\nwhile true do ctx.target:query(a) end", 0, "limits.call_arguments_max_kb"),
        ("results_max_mb", SandboxLimits(resultBytes: 4 << 20),
         "while true do local _ = ctx.target:blob(1 << 20) end", 0, "limits.results_max_mb"),
    ]

    @Test("over a host-side limit, the check stops with one error finding", arguments: cases.map(\.name))
    func overALimit(_ name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let started = Deadline.now()
        let findings = run(c.body, limits: c.limits, environment: Self.environment)
        #expect(Deadline.now().nanoseconds - started.nanoseconds < 3_000_000_000)
        #expect(findings.count == c.kept + 1, "\(findings.map { "\($0.status) \($0.message.prefix(80))" })")
        #expect(findings.dropLast().allSatisfy { $0.status != .error })
        let last = try #require(findings.last)
        #expect(last.status == .error)
        #expect(last.message.hasPrefix("check stopped:") && last.message.contains(c.key), "\(last.message)")
    }

    /// The host process itself, watched from outside: a check that reports the same 15 MiB message
    /// a thousand times, or logs, or calls without end, leaves the host's peak RSS bounded.
    @Test(
        "the host's peak memory stays bounded whatever the check makes it keep",
        arguments: [
            "local m = string.rep('m', 15 << 20)\nfor _ = 1, 1000 do pcall(ctx.fail, ctx, { message = m, evidence = { m = m } }) end",
            "local m = string.rep('l', 15 << 20)\nfor _ = 1, 1000 do pcall(print, m) end",
            "local a = string.rep('a', 15 << 20)\nfor i = 1, 1000 do pcall(ctx.target.query, ctx.target, a .. i) end",
            "for _ = 1, 1000 do pcall(ctx.target.blob, ctx.target, 15 << 20) end",
        ])
    func hostMemoryIsBounded(_ body: String) throws {
        let folder = try TemporaryFolder(["check.lua": checkSource(id: "HOST-MEMORY", body)])
        defer { folder.remove() }
        let result = try Program.run(SandboxProbeBinary.path, ["run", folder.path + "/check.lua", "timeout_ms=20000"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("error\tcheck stopped: ") == true, "\(lines)")
        let peak = try #require(lines.last(where: { $0.hasPrefix("peak_rss_kib=") }).flatMap { Int($0.dropFirst("peak_rss_kib=".count)) })
        let wall = try #require(lines.last(where: { $0.hasPrefix("wall_ms=") }).flatMap { Int($0.dropFirst("wall_ms=".count)) })
        print("host memory: peak RSS \(peak / 1024) MiB, \(wall) ms for: \(body.split(separator: "\n").last ?? "")")
        #expect(peak > 0 && peak < 200 << 10, "peak RSS \(peak / 1024) MiB")
        #expect(wall < 10_000)
    }
}

/// The SandboxProbe executable next to the test bundle (swift build --build-tests builds it).
enum SandboxProbeBinary {
    static var path: String {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [here.appendingPathComponent("SandboxProbe"), here.deletingLastPathComponent().appendingPathComponent("SandboxProbe")] {
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
        }
        return RepositoryPaths.root.appendingPathComponent(".build/debug/SandboxProbe").path
    }
}
