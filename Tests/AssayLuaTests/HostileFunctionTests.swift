import AssayCore
import AssayLua
import Dispatch
import Foundation
import Testing

/// Every C loop a check can start is bounded: one hostile check per library function (or VM
/// trick) ends as an `error` finding naming the limit that stopped it, well within its wall limit,
/// while a healthy check runs beside it on another thread and reports exactly what it reports alone.
@Suite("Hostile library calls end as error findings; healthy checks beside them are unchanged")
struct HostileFunctionTests {
    /// Small limits, so that a bounded loop ends in milliseconds and a deadline in two seconds.
    static let limits = SandboxLimits(memoryBytes: 64 << 20, instructions: 5_000_000, timeout: .seconds(2))

    /// What must stop the hostile check: a limit, or Lua's own error (the text it contains).
    enum Stop: CustomStringConvertible {
        case instructions, deadline, memory
        /// The instruction budget or the deadline, whichever this machine reaches first.
        case instructionsOrDeadline
        case error(String)

        var texts: [String] {
            switch self {
            case .instructions: ["limits.instructions"]
            case .deadline: ["limits.check_timeout_ms"]
            case .memory: ["limits.memory_mb"]
            case .instructionsOrDeadline: ["limits.instructions", "limits.check_timeout_ms"]
            case .error(let text): [text]
            }
        }
        var mayTakeTheWholeLimit: Bool {
            switch self {
            case .deadline, .instructionsOrDeadline: true
            default: false
            }
        }
        var description: String { texts.joined(separator: " or ") }
    }

    /// A healthy check that uses the same functions the hostile ones attack.
    static let healthy = """
        local words = {}
        for w in ("delta alpha charlie bravo"):gmatch("%a+") do words[#words + 1] = w end
        table.sort(words)
        local t = { 1, 2, 3 }
        table.insert(t, 2, 9)
        table.remove(t, 1)
        ctx:pass { resource = "words", message = table.concat(words, ","), evidence = { rep = string.rep("ab", 3, "-") } }
        ctx:fail { resource = "list", message = table.concat(t, " ") .. " " .. select("#", table.unpack(t)) .. " "
          .. (string.find("key = value", "(%w+)%s*=%s*(%w+)")) .. " " .. string.gsub("hello", "l+", "L") }
        """

    static let cases: [(name: String, body: String, stop: Stop)] = [
        ("string.rep of the empty string 2^63 times, then of text", """
            assert(string.rep("", math.maxinteger) == "" and string.rep("", math.maxinteger, "") == "")
            local s = string.rep("x", math.maxinteger)
            """, .memory),
        ("string.rep with a separator only", #"local s = string.rep("", math.maxinteger, ",")"#, .memory),
        ("table.insert into a table whose __len claims 2^63", """
            local t = setmetatable({}, { __len = function() return math.maxinteger end })
            table.insert(t, 1, "x")
            """, .instructions),
        ("table.remove from a table whose __len claims 2^63", """
            local t = setmetatable({}, { __len = function() return math.maxinteger end })
            table.remove(t, 1)
            """, .instructions),
        ("table.move over 2^63 elements", "table.move({}, 1, math.maxinteger - 1, 2)", .instructions),
        ("table.sort of a table whose __len claims 2^31", """
            local t = setmetatable({}, { __len = function() return 2147483646 end, __index = function() return 1 end })
            table.sort(t, rawequal)
            """, .instructions),
        ("table.concat of a table whose __len claims 2^63", """
            local t = setmetatable({}, { __len = function() return math.maxinteger end, __index = tostring })
            local s = table.concat(t)
            """, .instructions),
        ("table.concat with a huge separator", """
            local list = {}
            for i = 1, 1000 do list[i] = i end
            local s = table.concat(list, string.rep("x", 1 << 20))
            """, .memory),
        ("table.unpack in a loop", """
            local t = {}
            for i = 1, 10000 do t[i] = i end
            while true do local _ = select("#", table.unpack(t)) end
            """, .instructions),
        ("string.find backtracking", #"local r = string.find(string.rep("a", 200000), ".-.-.-.-.-.-.-.-b")"#, .instructions),
        ("string.match backtracking", #"local r = string.match(string.rep("a", 200000), "(.-)(.-)(.-)(.-)b")"#, .instructions),
        ("string.gmatch backtracking", #"for _ in string.gmatch(string.rep("a", 200000), "a*a*a*a*b") do end"#, .instructions),
        ("string.gsub backtracking", #"local r = string.gsub(string.rep("a", 200000), ".-.-.-b", "")"#, .instructions),
        ("a plain find of a long needle, again and again", """
            local hay, needle = string.rep("a", 4 << 20), string.rep("a", 1 << 20) .. "b"
            while true do local _ = string.find(hay, needle, 1, true) end
            """, .instructions),
        ("a __concat that is table.concat on a lying __len", """
            local t = setmetatable({}, { __len = function() return math.maxinteger end, __index = tostring, __concat = table.concat })
            local s = t .. ""
            """, .instructions),
        ("a recursive __concat", """
            local mt = {}
            mt.__concat = function(a, b) return a .. b end
            local t = setmetatable({}, mt)
            local s = t .. ""
            """, .error("stack overflow")),
        ("an __index chain 1990 tables long, read in a loop", """
            local t = {}
            for _ = 1, 1990 do t = setmetatable({}, { __index = t }) end
            while true do local _ = t.x end
            """, .deadline),
        ("string.format of long strings in a loop", """
            local s = string.rep("x", 1 << 20)
            while true do local _ = string.format("%s%s", s, s) end
            """, .instructions),
        ("string.format with the widest widths, in a loop", """
            while true do local _ = string.format("%099d%99.99f%-99s", 1, -1e308, "x") end
            """, .instructionsOrDeadline),
        ("arithmetic on a long numeric string, in a loop", """
            local s = string.rep("1", 1 << 20)
            while true do local _ = s + 1 end
            """, .instructions),
        ("utf8.char with 900000 arguments, in a loop", """
            local codes = {}
            for i = 1, 900000 do codes[i] = 0x41 end
            while true do local _ = utf8.char(table.unpack(codes)) end
            """, .instructions),
        ("utf8.len of a long string in a loop", """
            local s = string.rep("é", 4 << 20)
            while true do local _ = utf8.len(s) end
            """, .instructions),
        ("tostring of a table with a long __name, in a loop", """
            local t = setmetatable({}, { __name = string.rep("n", 1 << 20) })
            while true do local _ = tostring(t) end
            """, .instructions),
        ("select('#', ...) of a million values, in a loop", """
            local t = {}
            for i = 1, 999000 do t[i] = true end
            while true do local _ = select("#", table.unpack(t)) end
            """, .instructions),
        ("string.upper of a long string in a loop", """
            local s = string.rep("a", 4 << 20)
            while true do local _ = s:upper() end
            """, .instructions),
        ("comparisons of long strings in a loop (the VM, not the library)", """
            local a = string.rep("a", 6 << 20)
            local b, c = a .. "b", a .. "c"
            while true do local _ = b < c end
            """, .deadline),
        ("concatenations of long strings in a loop (the VM, not the library)", """
            local a = string.rep("a", 3 << 20)
            while true do local _ = a .. "x" end
            """, .deadline),
        ("a table of a million keys handed to the host", """
            local t = {}
            for i = 1, 1e6 do t[i] = i end
            for _ = 1, 100 do pcall(ctx.pass, ctx, { message = "m", evidence = t }) end
            """, .instructions),
    ]

    @Test("a hostile call ends as an error finding within its limit", arguments: cases.map(\.name))
    func hostileCallIsContained(_ name: String) throws {
        let hostile = try #require(Self.cases.first { $0.name == name })
        let alone = run(Self.healthy)
        try #require(alone.map(\.status) == [.pass, .fail], "\(alone.map(\.message))")

        let beside = HealthyRuns()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            beside.record(run(Self.healthy))
            beside.record(run(Self.healthy))
            done.signal()
        }
        let started = Deadline.now()
        let findings = run(hostile.body, limits: Self.limits)
        let elapsed = Duration.nanoseconds(Int64(Deadline.now().nanoseconds - started.nanoseconds))
        done.wait()

        #expect(findings.map(\.status) == [.error], "\(findings.map(\.message))")
        let message = findings.first?.message ?? ""
        #expect(hostile.stop.texts.contains { message.contains($0) }, "\(message)")
        #expect(elapsed < Self.limits.timeout + .milliseconds(1500), "took \(elapsed)")
        if !hostile.stop.mayTakeTheWholeLimit { #expect(elapsed < Self.limits.timeout, "only the deadline stopped it: \(elapsed)") }
        #expect(beside.runs.count == 2)
        for run in beside.runs { #expect(run == alone.map(\.summary)) }
    }

    @Test("a C loop at load time is stopped too, so `checks list` and `lint` end")
    func loadTimeLoop() {
        let source = """
            local t = setmetatable({}, { __len = function() return math.maxinteger end })
            table.insert(t, 1, "x")
            return assay.check { id = "X-LOAD", title = "t", severity = "low", category = "security", needs = { "files" }, run = function() end }
            """
        let started = Deadline.now()
        let loaded = CheckLoader.load(CheckScript(path: "load.lua", source: Array(source.utf8)), limits: Self.limits)
        #expect(Deadline.now().nanoseconds - started.nanoseconds < 1_000_000_000)
        guard case .failure(let error) = loaded else {
            Issue.record("the check loaded")
            return
        }
        #expect(error.description.contains("limits.instructions"), "\(error)")
    }

    @Test("string.rep of the empty string 2^63 times at load time is instant and empty")
    func emptyRepeatAtLoad() throws {
        let source = """
            local nothing = string.rep("", math.maxinteger)
            return assay.check { id = "X-REP", title = "t" .. nothing, severity = "low", category = "security", needs = { "files" }, run = function() end }
            """
        let check = try CheckLoader.load(CheckScript(path: "rep.lua", source: Array(source.utf8)), limits: Self.limits).get()
        #expect(check.descriptor.title == "t")
    }
}

extension Finding {
    /// What a test compares: every field a check decides.
    var summary: String {
        "\(status) \(resource) \(severity) \(message) \(JSONWriter().string(evidence))"
    }
}

/// Findings of healthy runs made on another thread.
final class HealthyRuns: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var storage: [[String]] = []

    func record(_ findings: [Finding]) {
        lock.lock()
        storage.append(findings.map(\.summary))
        lock.unlock()
    }

    var runs: [[String]] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
