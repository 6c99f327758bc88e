import AssayCore
import AssayLua
import Foundation
import Testing

@Suite("The Lua sandbox")
struct SandboxTests {
    static let forbidden = [
        "load", "loadfile", "dofile", "require", "collectgarbage", "io", "os", "debug", "package", "coroutine",
        "module", "loadstring", "setfenv", "getfenv", "newproxy", "__assay_host", "warn",
    ]

    @Test("forbidden globals and libraries are absent", arguments: forbidden)
    func forbiddenGlobalIsAbsent(_ name: String) {
        let findings = run("""
            if _G["\(name)"] ~= nil then ctx:fail("\(name) is reachable") else ctx:pass() end
            """)
        #expect(findings.map(\.status) == [.pass], "\(findings.map(\.message))")
    }

    @Test("string.dump is absent and the string metatable gives no way back")
    func stringDumpIsAbsent() {
        let findings = run("""
            if string.dump ~= nil or ("").dump ~= nil then ctx:fail("dump") else ctx:pass() end
            """)
        #expect(findings.map(\.status) == [.pass])
    }

    @Test("only the five libraries are loaded")
    func onlyFiveLibraries() {
        let findings = run("""
            local libs = {}
            for k, v in pairs(_G) do if type(v) == "table" and k ~= "_G" then libs[#libs + 1] = k end end
            table.sort(libs)
            ctx:pass { message = table.concat(libs, ",") }
            """)
        #expect(findings.first?.message == "assay,math,string,table,utf8")
    }

    @Test("a bytecode chunk is refused")
    func bytecodeRefused() {
        let bytecode = CheckScript(path: "binary.lua", source: [0x1B, 0x4C, 0x75, 0x61, 0x54, 0x00, 0x19, 0x93])
        guard case .failure(let error) = CheckLoader.load(bytecode) else {
            Issue.record("a binary chunk loaded")
            return
        }
        #expect(error.description.contains("binary chunk"))
    }

    @Test("an endless loop ends as an error finding")
    func endlessLoop() {
        let findings = run("while true do end", limits: SandboxLimits(instructions: 2_000_000))
        #expect(findings.map(\.status) == [.error])
        #expect(findings[0].message.contains("instruction"))
    }

    @Test("a memory bomb ends as an error finding")
    func memoryBomb() {
        let findings = run("""
            local t = {}
            for i = 1, 1e9 do t[i] = string.rep("x", 1024) .. i end
            """, limits: SandboxLimits(memoryBytes: 8 << 20))
        #expect(findings.map(\.status) == [.error])
        #expect(findings[0].message.contains("memory"))
    }

    @Test("deep recursion ends as an error finding")
    func deepRecursion() {
        let findings = run("""
            local function f(n) return 1 + f(n + 1) end
            f(1)
            """)
        #expect(findings.map(\.status) == [.error])
        #expect(findings[0].message.contains("stack overflow") || findings[0].message.contains("memory"))
    }

    @Test("a runtime error ends as an error finding that names file and line")
    func runtimeError() {
        let findings = run("local x = nil; return x.field")
        #expect(findings.map(\.status) == [.error])
        #expect(findings[0].message.contains("test.lua:5:"))
    }

    @Test("an error swallowed by pcall in a loop still ends the check")
    func pcallLoop() {
        let findings = run("""
            while true do pcall(error, "again") end
            """, limits: SandboxLimits(instructions: 2_000_000))
        #expect(findings.map(\.status) == [.error])
        #expect(findings[0].message.contains("instruction"))
    }

    @Test("a memory error caught by pcall in a loop still ends the check")
    func pcallMemoryLoop() {
        let findings = run("""
            local keep = {}
            while true do
              pcall(function() keep[#keep + 1] = string.rep("y", 1 << 20) end)
            end
            """, limits: SandboxLimits(memoryBytes: 4 << 20))
        #expect(findings.map(\.status) == [.error])
        #expect(findings[0].message.contains("memory"))
    }

    @Test("finalizers, which run without hooks, are refused")
    func loopingFinalizer() {
        let findings = run("""
            setmetatable({}, { __gc = function() while true do end end })
            ctx:pass()
            """, limits: SandboxLimits(instructions: 1_000_000))
        #expect(findings.map(\.status) == [.error])
        #expect(findings[0].message.contains("__gc metamethods are not allowed"))
    }

    @Test("a wall-clock deadline stops a slow check")
    func deadline() {
        let findings = run("""
            local x = 0
            while true do x = x + 1 end
            """, limits: SandboxLimits(instructions: 0, timeout: .milliseconds(200)))
        #expect(findings.map(\.status) == [.error])
        #expect(findings[0].message.contains("longer than"))
    }

    @Test("findings before an error are kept")
    func findingsBeforeErrorKept() {
        let findings = run("""
            ctx:fail { message = "first", resource = "a" }
            error("then it broke")
            """)
        #expect(findings.map(\.status) == [.fail, .error])
        #expect(findings[1].message.contains("then it broke"))
    }

    @Test("inputs fall back to their default")
    func inputs() {
        let env = TestEnvironment(inputs: ["limit": 42])
        let findings = run("""
            ctx:pass { message = tostring(ctx:input("limit", 1)) .. "/" .. tostring(ctx:input("other", 7)) }
            """, environment: env)
        #expect(findings.first?.message == "42/7")
    }

    @Test("evidence crosses the boundary as sorted JSON")
    func evidence() {
        let findings = run("""
            ctx:fail { message = "m", evidence = { b = 2, a = { 1, 2, 3 }, c = { x = true }, f = 1.5 } }
            """)
        #expect(JSONWriter().string(findings[0].evidence) == #"{"a":[1,2,3],"b":2,"c":{"x":true},"f":1.5}"#)
    }

    @Test("a check that reports nothing is a skip")
    func nothingReported() {
        #expect(run("local x = 1").map(\.status) == [.skip])
    }

    @Test("misuse of ctx:fail is a readable error")
    func badFinding() {
        let findings = run(#"ctx:fail { mesage = "typo" }"#)
        #expect(findings.map(\.status) == [.error])
        #expect(findings[0].message.contains("unknown field 'mesage' in ctx:fail (did you mean 'message'?)"), "\(findings[0].message)")
    }

    @Test("an unavailable target turns passes into an error")
    func unavailableTarget() {
        var env = TestEnvironment()
        env.answer = { _, _, _ in .failure(HostCallFailure(grade: .unavailable, message: "redis: timed out after 1s")) }
        let findings = run("""
            local ok = pcall(function() return ctx.target:info() end)
            ctx:pass()
            """, environment: env)
        #expect(findings.map(\.status) == [.error])
        #expect(findings[0].message == "redis: timed out after 1s")
    }

    @Test("a denied call returns nil and a message")
    func deniedCall() {
        var env = TestEnvironment()
        env.answer = { _, _, _ in .failure(HostCallFailure(grade: .denied, message: "CONFIG is disabled")) }
        let findings = run("""
            local v, err = ctx.target:config_get("maxmemory")
            ctx:fail { message = tostring(v) .. ": " .. err }
            """, environment: env)
        #expect(findings.first?.message == "nil: CONFIG is disabled")
    }
}

@Suite("Connector-call arguments")
struct ArgumentTests {
    @Test func packedParametersKeepTheirHoles() {
        let seen = ArgumentLog()
        var env = TestEnvironment()
        env.answer = { _, operation, arguments in
            seen.record(operation, arguments)
            return .success(.array([]), problems: [])
        }
        _ = run("""
            ctx.target:query("SELECT $1, $2, $3", nil, 2, nil)
            ctx.target:query("SELECT 1")
            ctx:pass()
            """, environment: env)
        #expect(seen.calls == [
            "query " + JSONWriter().string(["SELECT $1, $2, $3", [nil, 2, nil]]),
            "query " + JSONWriter().string(["SELECT 1", []]),
        ])
    }
}

final class ArgumentLog: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var log: [String] = []
    func record(_ operation: String, _ arguments: [JSONValue]) {
        lock.lock()
        log.append(operation + " " + JSONWriter().string(.array(arguments)))
        lock.unlock()
    }
    var calls: [String] {
        lock.lock()
        defer { lock.unlock() }
        return log
    }
}
