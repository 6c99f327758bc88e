import AssayCore
import Foundation
import Testing

@testable import AssayLua

/// A state the pool hands out again carries nothing of the check before it: globals, library
/// tables, the `assay` table, metatables (of `_G` and of strings) and registry entries are as in a
/// state just opened, and the memory the last check held is gone.
@Suite("Pooled sandboxes: no state leaks from one check to the next", .serialized)
struct PoolIsolationTests {
    /// Everything a check can change in its state, and more: each change in a pcall of its own so
    /// that one refused change does not hide the others. Returns a function (a registry entry).
    static let polluter = """
        local function try(f) pcall(f) end
        try(function() leak = "a global" end)
        try(function() rawset(_G, "leak2", {}) end)
        try(function() string.upper = function() return "evil" end end)
        try(function() string.leak = function() return "leaked" end end)
        try(function() table.insert = nil end)
        try(function() math.pi = 3 end)
        try(function() assay.extra = true end)
        try(function() assay.check = nil end)
        try(function() print = nil end)
        try(function() setmetatable(_G, { __index = function() return "from the last check" end }) end)
        try(function() setmetatable(string, { __index = function() return "from the last check" end }) end)
        try(function() _G._G = nil end)
        local keep = {}
        for i = 1, 2000 do keep[i] = string.rep("x", 100) .. i end
        big = keep
        return function() return "a function of the last check" end, keep
        """

    /// What a check sees of its state, as one string: every global with its type, the keys of every
    /// library table and of `assay`, the metatables it can read, and how strings behave.
    static let observer = """
        local function keys(t)
          local out = {}
          for k, v in pairs(t) do out[#out + 1] = tostring(k) .. ":" .. type(v) end
          table.sort(out)
          return table.concat(out, ",")
        end
        local G = _ENV -- the polluter also removes _G
        local parts = { "globals " .. keys(G) }
        for _, name in ipairs({ "string", "table", "math", "utf8", "assay" }) do
          parts[#parts + 1] = name .. " " .. (type(G[name]) == "table" and keys(G[name]) or type(G[name]))
        end
        parts[#parts + 1] = "mt(_G) " .. tostring(getmetatable(G))
        parts[#parts + 1] = "mt(string) " .. tostring(getmetatable(string))
        parts[#parts + 1] = "mt('') " .. tostring(getmetatable(""))
        parts[#parts + 1] = "upper " .. ("ab"):upper() .. " leak " .. type(("x").leak)
        parts[#parts + 1] = "undefined " .. tostring(undefined_name) .. " coerce " .. tostring("3" + 1)
        parts[#parts + 1] = "pi " .. tostring(math.pi) .. " big " .. tostring(big)
        return table.concat(parts, "\\n")
        """

    static let limits = SandboxLimits()

    static func open() throws -> LuaSandbox {
        try #require(LuaSandbox(limits: limits, deadline: .after(.seconds(10)), host: { _ in .values([]) }))
    }

    /// Runs the prelude, as every check run does first.
    static func prelude(_ sandbox: LuaSandbox) throws {
        guard case .success = sandbox.run(Prelude.compiled, name: Prelude.chunkName, mode: .compiled, givingHost: true) else {
            Issue.record("the prelude failed")
            return
        }
    }

    static func observe(_ sandbox: LuaSandbox) throws -> String {
        switch sandbox.run(Array(observer.utf8), name: "=observer") {
        case .success(let values):
            guard case .string(let seen)? = values.first else {
                Issue.record("the observer returned \(values)")
                return ""
            }
            return seen
        case .failure(let failure):
            Issue.record("the observer failed: \(failure.message)")
            return ""
        }
    }

    @Test func aResetStateSeesWhatAFreshStateSees() throws {
        let fresh = try Self.open()
        try Self.prelude(fresh)
        let expected = try Self.observe(fresh)

        let used = try Self.open()
        try Self.prelude(used)
        guard case .success(let values) = used.run(Array(Self.polluter.utf8), name: "=polluter") else {
            Issue.record("the polluter failed")
            return
        }
        // The pollution took: otherwise this test would prove nothing.
        let polluted = try Self.observe(used)
        #expect(polluted != expected)
        #expect(polluted.contains("upper evil") && polluted.contains("leak function") && polluted.contains("from the last check"))
        #expect(polluted.contains("extra:boolean") && polluted.contains("leak:string") && polluted.contains("pi 3"))
        guard case .function(let oldReference)? = values.first else {
            Issue.record("the polluter returned no function")
            return
        }

        #expect(used.reset(limits: Self.limits, deadline: .after(.seconds(10)), host: { _ in .values([]) }))
        // Nothing of the last check can be called through the registry.
        guard case .failure(let failure) = used.call(oldReference, []) else {
            Issue.record("a function of the last check is still in the registry")
            return
        }
        #expect(failure.message.contains("not a function reference"))
        try Self.prelude(used)
        #expect(try Self.observe(used) == expected)
    }

    @Test func theRegistryAndTheHeapAreAsSmallAsAFreshState() throws {
        let fresh = try Self.open()
        let freshEntries = fresh.registryEntries
        let freshBytes = fresh.memoryUsed

        let used = try Self.open()
        try Self.prelude(used)
        for _ in 0..<50 { _ = used.run(Array(Self.polluter.utf8), name: "=polluter") }
        #expect(used.registryEntries > freshEntries + 50, "the polluter's functions are registry entries")
        #expect(used.memoryUsed > freshBytes + 200_000)

        #expect(used.reset(limits: Self.limits, deadline: .after(.seconds(10)), host: { _ in .values([]) }))
        #expect(used.registryEntries == freshEntries + 1, "the main thread, the globals and the kept prelude")
        // What is left beyond a prepared state is the size of tables the check grew (the registry's
        // array part): 100 references cost ~5 KB, and the 200 KB of strings are gone.
        #expect(used.memoryUsed <= SandboxPool.freshBytes + 16 << 10, "\(used.memoryUsed) bytes after the reset, \(SandboxPool.freshBytes) prepared")
        #expect(used.memoryUsed < freshBytes + 100_000, "\(used.memoryUsed) bytes after the reset, \(freshBytes) fresh")
        #expect(used.memoryPeak == used.memoryUsed, "the next check's peak starts from the reset state")
        #expect(used.instructions == 0)
    }

    @Test func aResetStateKeepsTheNewLimitsAndHost() throws {
        let used = try Self.open()
        try Self.prelude(used)
        _ = used.run(Array(Self.polluter.utf8), name: "=polluter")
        let tight = SandboxLimits(memoryBytes: 2 << 20, instructions: 100_000)
        #expect(used.reset(limits: tight, deadline: .after(.seconds(10)), host: { _ in .values([]) }))
        guard case .failure(let failure) = used.run(Array("local n = 0 while true do n = n + 1 end".utf8), name: "=loop") else {
            Issue.record("an endless loop ended")
            return
        }
        #expect(failure.stop == .instructions)
    }

    @Test func theRunnerHandsAPolluterStateToTheNextCheckClean() throws {
        let environment = TestEnvironment()
        let polluter = try CheckLoader.load(script(Self.polluter.replacingOccurrences(of: "return function", with: "local _ = function"))).get()
        let observer = try CheckLoader.load(script("""
            local seen = (function() \(Self.observer) end)()
            ctx:pass { message = seen }
            """, id: "TEST-OBSERVER")).get()
        let before = CheckRunner.run(observer, on: testTarget, environment: environment).findings.first?.message
        let reusedBefore = SandboxPool.shared.statistics.reused
        for _ in 0..<3 {
            _ = CheckRunner.run(polluter, on: testTarget, environment: environment)
            let after = CheckRunner.run(observer, on: testTarget, environment: environment).findings
            #expect(after.map(\.status) == [.pass])
            #expect(after.first?.message == before)
        }
        #expect(SandboxPool.shared.statistics.reused >= reusedBefore + 6, "the runs reused pooled states")
    }

    @Test func aStoppedStateIsNotKept() throws {
        let pool = SandboxPool(capacity: 4)
        let sandbox = try #require(pool.take(limits: SandboxLimits(instructions: 10_000), deadline: .after(.seconds(10)), host: { _ in .values([]) }))
        _ = sandbox.run(Array("while true do end".utf8), name: "=loop")
        #expect(sandbox.stop == .instructions)
        pool.recycle(sandbox)
        _ = pool.take(limits: SandboxLimits(), deadline: .after(.seconds(10)), host: { _ in .values([]) })
        #expect(pool.statistics.reused == 0 && pool.statistics.opened == 2)
    }
}
