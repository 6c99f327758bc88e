import AssayCore
@testable import AssayLua
import AssayTestSupport
import Foundation
import Testing

/// No check code runs outside a call the host made: no finalizer, to-be-closed value or weak
/// table can exist, metatables cannot be changed behind setmetatable's back, and ctx is dead once
/// run(ctx) has returned.
@Suite("Metatables are checked, frozen copies")
struct MetatableTests {
    @Test(
        "metamethods that would run code outside the check's control are refused",
        arguments: [
            ("setmetatable({}, { __gc = function() end })", "__gc metamethods are not allowed"),
            ("setmetatable({}, { __gc = false })", "__gc metamethods are not allowed"),
            ("setmetatable({}, { __close = function() end })", "__close metamethods are not allowed"),
            ("setmetatable({}, { __mode = 'k' })", "__mode is not allowed"),
            ("local t = {}; setmetatable(t, { __call = t })", "__call must be a function"),
            ("local x <close> = setmetatable({}, {})", "non-closable value"),
            ("local x <close> = 'text'", "non-closable value"),
        ])
    func refused(_ code: String, _ message: String) {
        let findings = run(code + "\nctx:pass()")
        #expect(findings.map(\.status) == [.error])
        #expect(findings.first?.message.contains(message) == true, "\(findings.first?.message ?? "")")
    }

    @Test("changing a metatable after setmetatable does not reach the table (no __call loop, no late __gc)")
    func frozen() {
        let findings = run("""
            local mt = {}
            local t = setmetatable({}, mt)
            mt.__call = t
            mt.__index = function() return "late" end
            mt.__gc = function() ctx:pass("finalizer") end
            local called = pcall(t)
            ctx:pass { message = tostring(called) .. " " .. tostring(t.x) .. " " .. tostring(getmetatable(t) == mt) }
            """)
        #expect(findings.map(\.message) == ["false nil true"])
    }

    @Test("class idioms keep working: methods added later, identity, replacing a metatable, __metatable")
    func idioms() {
        let findings = run("""
            local Class = {}
            Class.__index = Class
            local object = setmetatable({}, Class)
            function Class:hello() return "hello" end
            local other = setmetatable(setmetatable({}, Class), { __index = function() return "other" end })
            local locked = setmetatable({}, { __metatable = "locked" })
            local ok, err = pcall(setmetatable, locked, {})
            ctx:pass { message = object:hello() .. " " .. tostring(getmetatable(object) == Class) .. " " .. other.anything
              .. " " .. getmetatable(locked) .. " " .. tostring(ok) .. " " .. err
              .. " " .. tostring(setmetatable({}, nil) ~= nil) }
            """)
        #expect(findings.map(\.message) == ["hello true other locked false cannot change a protected metatable true"])
    }

    @Test("ctx and target handles give no way to their metatables or methods tables")
    func handlesAreClosed() {
        let findings = run("""
            local mt = getmetatable(ctx.target)
            ctx:pass { message = tostring(getmetatable(ctx)) .. "|" .. tostring(mt) .. "|" .. tostring(ctx.target.__index)
              .. "|" .. tostring(ctx.__index) .. "|" .. type(ctx.target.query) }
            """)
        #expect(findings.map(\.message) == ["assay check context|assay probe target handle|nil|nil|function"])
    }
}

@Suite("ctx is dead once run(ctx) returns")
struct LifetimeTests {
    /// Runs a raw descriptor (no validation) whose run keeps ctx, then calls its `later` function
    /// after the run is over, as a stored closure or a finalizer would.
    func callLater(_ later: String) throws -> (findings: [Finding], late: Result<[LuaValue], LuaSandbox.Failure>, calls: Int) {
        let source = "local kept\nreturn { run = function(ctx) kept = ctx; ctx:pass('during') end, later = function() \(later) end }"
        let calls = CallCounter()
        var environment = TestEnvironment()
        environment.answer = { _, _, _ in
            calls.increment()
            return .success(["ok": true], problems: [])
        }
        let descriptor = CheckDescriptor(
            id: "X-LATE", title: "t", severity: .low, category: "security", needs: ["files"], tags: [], references: [], remediation: "",
            description: "", source: SourceLocation(path: "late.lua", line: 1))
        let limits = SandboxLimits()
        let deadline = Deadline.after(limits.timeout)
        let recorder = FindingRecorder(check: descriptor, target: testTarget, environment: environment, limits: limits, deadline: deadline)
        let script = CheckScript(path: "late.lua", source: Array(source.utf8))
        let loaded = try LoadedScript.open(script, limits: limits, deadline: deadline) { recorder.handle($0) }.get()
        guard case .function(let runRef)? = loaded.descriptor["run"], case .function(let laterRef)? = loaded.descriptor["later"] else {
            throw TestFailure("no run/later functions")
        }
        let spec: LuaValue = .table([(key: .string("target"), value: LuaValue(testTarget.json)), (key: .string("check"), value: .table([]))])
        _ = try loaded.sandbox.call(loaded.entry, [.function(runRef), spec]).get()
        let findings = recorder.finish()
        let late = loaded.sandbox.call(laterRef, [])
        return (findings, late, calls.count)
    }

    @Test("a stored closure cannot report a finding after the run")
    func noLateFinding() throws {
        let (findings, late, _) = try callLater("kept:pass('after')")
        #expect(findings.map(\.message) == ["during"])
        guard case .failure(let failure) = late else {
            Issue.record("the late finding was accepted")
            return
        }
        #expect(failure.message.contains("the check has ended"), "\(failure.message)")
    }

    @Test("a stored closure cannot call a connector after the run")
    func noLateCall() throws {
        let (_, late, calls) = try callLater("return kept.target:info()")
        #expect(calls == 0)
        guard case .failure(let failure) = late else {
            Issue.record("the late call was answered")
            return
        }
        #expect(failure.message.contains("the check has ended"), "\(failure.message)")
    }
}

@Suite("Connector-call arguments are checked before anything is sized from them")
struct ArgumentSizeTests {
    @Test("a packed list claiming 2^50 values is a bad argument, not an allocation")
    func hugePackedCount() {
        let findings = run(#"ctx.target:send({ n = 1 << 50 })"#)
        #expect(findings.map(\.status) == [.error])
        #expect(findings.first?.message.contains("bad argument #1 to 'send' (a packed list of 1125899906842624 values (at most 65535))") == true,
                "\(findings.first?.message ?? "")")
    }

    @Test("other tables with an n field are passed as they are")
    func otherTablesWithN() {
        let seen = ArgumentLog()
        var environment = TestEnvironment()
        environment.answer = { _, operation, arguments in
            seen.record(operation, arguments)
            return .success(.array([]), problems: [])
        }
        _ = run("""
            ctx.target:send({ n = 2^50 })
            ctx.target:send({ n = -1 })
            ctx.target:send({ n = 1, [5] = "x" })
            ctx.target:send({ n = 2, [2] = "y" })
            ctx:pass()
            """, environment: environment)
        #expect(seen.calls == [
            #"send [{"n":1125899906842624.0}]"#, #"send [{"n":-1}]"#, #"send [{"5":"x","n":1}]"#, #"send [[null,"y"]]"#,
        ])
    }
}

@Suite("Connector calls get what is left of the check's time")
struct CallDeadlineTests {
    @Test("the environment receives the check's own deadline")
    func deadlineIsTheChecks() {
        let deadlines = DeadlineLog()
        var environment = TestEnvironment()
        environment.answer = { _, _, _ in .success(["ok": true], problems: []) }
        environment.onCall = { deadlines.record($0) }
        let started = Deadline.now()
        _ = run("ctx.target:info(); ctx.target:info(); ctx:pass()", limits: SandboxLimits(timeout: .seconds(7)), environment: environment)
        let recorded = deadlines.all
        #expect(recorded.count == 2)
        #expect(Set(recorded.map(\.nanoseconds)).count == 1, "every call shares the check's one deadline")
        let offset = Int64(recorded[0].nanoseconds) - Int64(started.nanoseconds)
        #expect(offset > 6_500_000_000 && offset <= 7_100_000_000, "deadline \(offset) ns after the start")
    }

    @Test("a call that takes all of the check's time ends the check within its limit")
    func slowCallEndsWithTheCheck() {
        var environment = TestEnvironment()
        environment.answer = { _, _, _ in .failure(HostCallFailure(grade: .unavailable, message: "t: timed out")) }
        environment.onCall = { deadline in
            while !deadline.hasPassed { usleep(10_000) } // a connector that honours the deadline it is given
        }
        let started = Deadline.now()
        let findings = run("ctx.target:info(); ctx.target:info(); ctx:pass()", limits: SandboxLimits(timeout: .milliseconds(500)),
                           environment: environment)
        let elapsed = Deadline.now().nanoseconds - started.nanoseconds
        #expect(findings.map(\.status) == [.error])
        #expect(elapsed < 1_200_000_000, "took \(elapsed) ns")
    }
}

final class CallCounter: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var value = 0
    func increment() {
        lock.lock()
        value += 1
        lock.unlock()
    }
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}

final class DeadlineLog: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var deadlines: [Deadline] = []
    func record(_ deadline: Deadline) {
        lock.lock()
        deadlines.append(deadline)
        lock.unlock()
    }
    var all: [Deadline] {
        lock.lock()
        defer { lock.unlock() }
        return deadlines
    }
}
