import AssayCore
import AssayLua
import AssayTestSupport
import Foundation
import Testing

/// The sandbox's pattern matcher (`Sources/LuaShim/Pattern.c`, written from the manual) gives the
/// results of Lua's own `string.find`, `match`, `gmatch` and `gsub`: the same Lua script runs in
/// the sandbox and in Debian's stock `lua5.4`, and every line of their outputs must be equal.
@Suite("Pattern matching gives stock Lua's results")
struct PatternTests {
    /// Shared by both sides: `report(text)` is `print` for stock Lua, a finding in the sandbox.
    static let helpers = """
        local function show(...)
          local out = {}
          for i = 1, select("#", ...) do
            local v = select(i, ...)
            out[i] = type(v) == "string" and string.format("%q", v) or tostring(v)
          end
          return table.concat(out, ",")
        end
        local function try(f, ...)
          local r = table.pack(pcall(f, ...))
          if not r[1] then return "error: " .. tostring(r[2]) end
          return show(table.unpack(r, 2, r.n))
        end
        local function collect(s, p, init)
          local out = {}
          local ok, err = pcall(function()
            local n = 0
            for a, b, c in string.gmatch(s, p, init) do
              out[#out + 1] = show(a, b, c)
              n = n + 1
              if n > 50 then break end
            end
          end)
          if not ok then return "error: " .. tostring(err) end
          return table.concat(out, ";")
        end
        local lines = {}
        local function line(...) lines[#lines + 1] = table.concat({ ... }, "|") end
        """

    /// Every feature of the manual's §6.4.1 on a set of subjects, with start positions, plain
    /// finds, every kind of replacement and substitution counts.
    static let corpus = helpers + "\n" + #"""
        local subjects = { "", "a", "aaa", "aaab", "hello world", "  x = 10, y=20  ", "(foo(bar))baz", "THE (quick) fox",
          "a.b-c+d*e?f[g]h^i$j%k", "\0a\0b", "\200\201\255", "abc123DEF456", "key=value;other = thing", "ab$", "^ab",
          "x-y-z", "[]]^", "1.5e10 -3 0x1F", "[[nested]] [x]", "\"quoted\" 'single'" }
        local patterns = { "", "a", "a*", "a+", "a-", "a?", ".", ".-", ".*", "..", "%a+", "%A+", "%d+", "%D", "%s*", "%S+",
          "%w+", "%W", "%l+", "%u+", "%p", "%x+", "%c", "%g+", "%z", "%z+", "%q", "%Q",
          "[abc]", "[^abc]+", "[a-c]+", "[%a_][%w_]*", "[]]", "[^]]+", "[a-]", "[-a]+", "[%]]", "[%-x]+", "[a%-z]+",
          "[%d%.]+", "[\200-\255]+", "[%A]+", "[a-%d]",
          "^a", "^a+", "a$", "$", "^$", "^", "b$", "%$", "%^", "^%^", "x^", "a$b", "$a", "$*", "^(a)", "^()a",
          "(a)", "(a*)", "(a+)(b)", "((a)(b))", "()", "()a()", "(h)(e)(l)", "(%w+)=(%w+)", "(%w+)%s*=%s*(%w+)",
          "(a)%1", "(%a)%1", "(.)%1", "()%1", "(a*(.)%w(%s*))",
          "%b()", "%b[]", "%bxy", "%b))", "%b((", "%b\"\"", "%b''",
          "%f[%a]%a+", "%f[%w]%w+", "%f[%A]", "%f[^%z]", "%f[%z]", "%f[a]", "%f[%s]",
          "*", "+", "-", "?", "a**", "%b()*", "(a)*", "x*y*z*", "a.-b", "a.*b", "%.", "%%", "[%%]", "0x%x+", "%-?%d+",
          "[^%s=]+", "h.-o", "l+", "o*", "%s+$", "^%s+", "a-b", ".-$", "(.-)%s*$", "[a-z]-%d", "%d?%d?%d" }
        local inits = { "none", 1, 2, -1, -3, 0, 5, 100 }
        local function init_of(k) if inits[k] ~= "none" then return inits[k] end end
        local repls = { "<%0>", "%1", "[%1|%2]", "%%", "", "x", 7 }
        local table_repl = { a = "A", hello = 1, world = false, x = true, ["1"] = "one" }
        local function function_repl(...)
          local n = select("#", ...)
          local first = ...
          if first == "a" then return nil end
          if first == "b" then return false end
          if n >= 2 then return "<" .. tostring(first) .. "+" .. tostring(select(2, ...)) .. ">" end
          return #tostring(first)
        end
        for _, s in ipairs(subjects) do
          for _, p in ipairs(patterns) do
            local q = string.format("%q|%q", s, p)
            for k = 1, #inits do
              line("find", q, tostring(inits[k]), try(string.find, s, p, init_of(k)))
              line("match", q, tostring(inits[k]), try(string.match, s, p, init_of(k)))
            end
            line("plain", q, try(string.find, s, p, 1, true), try(string.find, s, p, -2, true))
            line("gmatch", q, collect(s, p), collect(s, p, 2), collect(s, p, -2))
            for _, r in ipairs(repls) do line("gsub", q, tostring(r), try(string.gsub, s, p, r)) end
            line("gsub-table", q, try(string.gsub, s, p, table_repl))
            line("gsub-function", q, try(string.gsub, s, p, function_repl))
            line("gsub-n", q, try(string.gsub, s, p, "_", 1), try(string.gsub, s, p, "_", 0), try(string.gsub, s, p, "_", -1))
          end
        end
        report(table.concat(lines, "\n"))
        """#

    /// Random well-formed patterns (a deterministic generator) on random subjects.
    static let fuzz = helpers + "\n" + #"""
        local seed = 20260601
        local function rand(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n + 1 end
        local classes = { ".", "a", "b", "x", "%a", "%d", "%s", "%w", "%p", "[ab]", "[^a]", "[a-c%d]", "%.", "%(", "[%s%)]" }
        local repeats = { "", "", "*", "+", "-", "?" }
        local function pattern()
          local parts, open, closed = {}, 0, 0
          if rand(4) == 1 then parts[#parts + 1] = "^" end
          for _ = 1, rand(7) do
            local r = rand(12)
            if r == 1 then parts[#parts + 1] = "("; open = open + 1
            elseif r == 2 and open > 0 then parts[#parts + 1] = ")"; open = open - 1; closed = closed + 1
            elseif r == 3 then parts[#parts + 1] = "()"
            elseif r == 4 then parts[#parts + 1] = "%b()"
            elseif r == 5 then parts[#parts + 1] = "%f[%w]"
            elseif r == 6 and closed > 0 and open == 0 then parts[#parts + 1] = "%" .. rand(closed)
            else parts[#parts + 1] = classes[rand(#classes)] .. repeats[rand(#repeats)] end
          end
          for _ = 1, open do parts[#parts + 1] = ")" end
          if rand(4) == 1 then parts[#parts + 1] = "$" end
          return table.concat(parts)
        end
        local alphabet = { "a", "b", "a", "1", " ", ".", "(", ")", "x", "ab" }
        local function subject()
          local parts = {}
          for _ = 1, rand(14) - 1 do parts[#parts + 1] = alphabet[rand(#alphabet)] end
          return table.concat(parts)
        end
        for _ = 1, 400 do
          local p = pattern()
          for _ = 1, 12 do
            local s = subject()
            local q = string.format("%q|%q", s, p)
            line("find", q, try(string.find, s, p), try(string.find, s, p, 2))
            line("match", q, try(string.match, s, p))
            line("gmatch", q, collect(s, p))
            line("gsub", q, try(string.gsub, s, p, "<%0>"), try(string.gsub, s, p, "%1"))
          end
        end
        report(table.concat(lines, "\n"))
        """#

    func stockOutput(_ script: String) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/lua5.4") else {
            throw TestFailure("stock Lua (/usr/bin/lua5.4) is missing: run scripts/install-deps")
        }
        let result = try Program.run("/usr/bin/lua5.4", ["-"], input: "local report = print\n" + script)
        guard result.status == 0 else { throw TestFailure("lua5.4 failed: \(result.stderr)") }
        return result.stdout
    }

    func sandboxOutput(_ script: String) -> [Finding] {
        let limits = SandboxLimits(memoryBytes: 256 << 20, instructions: 2_000_000_000, timeout: .seconds(120), findingBytes: 64 << 20)
        return run("local function report(text) ctx:pass { message = text .. \"\\n\" } end\n" + script, limits: limits)
    }

    func expectSameLines(_ script: String) throws {
        let stock = try stockOutput(script)
        let findings = sandboxOutput(script)
        try #require(findings.map(\.status) == [.pass], "\(findings.map(\.message))")
        let ours = findings[0].message.split(separator: "\n", omittingEmptySubsequences: false)
        let theirs = stock.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(ours.count == theirs.count)
        #expect(theirs.count > 1000)
        for (index, (mine, stock)) in zip(ours, theirs).enumerated() where mine != stock {
            Issue.record("line \(index + 1) differs:\n  sandbox: \(mine)\n  stock:   \(stock)")
            return
        }
    }

    @Test("a corpus of every pattern feature gives the same results as stock Lua 5.4")
    func corpusMatchesStockLua() throws {
        try expectSameLines(Self.corpus)
    }

    @Test("random well-formed patterns give the same results as stock Lua 5.4")
    func randomPatternsMatchStockLua() throws {
        try expectSameLines(Self.fuzz)
    }

    /// Where stock Lua reports a malformed pattern, the sandbox reports the same; it reports it
    /// whatever the subject (stock Lua only when its matcher reaches the malformed part).
    @Test(
        "malformed patterns are errors with Lua's message, whatever the subject",
        arguments: [
            ("x", "x%", "malformed pattern (ends with '%')"), ("x", "x[a", "malformed pattern (missing ']')"),
            ("x", "x[%", "malformed pattern (missing ']')"), ("x", "x%b(", "malformed pattern (missing arguments to '%b')"),
            ("x", "x%fa", "missing '[' after '%f' in pattern"), ("x", "x%1", "invalid capture index %1"),
            ("x", "(x%1)", "invalid capture index %1"), ("x", "x%0", "invalid capture index %0"),
            ("x", "x*)", "invalid pattern capture"), ("x", "(x", "unfinished capture"),
            ("x", String(repeating: "()", count: 33), "too many captures"),
        ])
    func malformedPatterns(subject: String, pattern: String, message: String) throws {
        let script = Self.helpers + "\n" + """
            local p = \(luaQuoted(pattern))
            line(try(string.find, \(luaQuoted(subject)), p), try(string.find, "no match here", p),
              try(string.match, \(luaQuoted(subject)), p), try(string.gsub, \(luaQuoted(subject)), p, ""))
            report(lines[1])
            """
        let stock = try stockOutput(script).trimmingCharacters(in: .newlines)
        let ours = sandboxOutput(script).first?.message.trimmingCharacters(in: .newlines) ?? ""
        // On the subject that reaches the problem, both say the same.
        let expected = "error: \(message)"
        #expect(stock.split(separator: "|").first.map(String.init) == expected, "stock: \(stock)")
        #expect(ours.split(separator: "|").map(String.init) == Array(repeating: expected, count: 4), "sandbox: \(ours)")
    }
}

/// A Lua string literal for any bytes.
func luaQuoted(_ text: String) -> String {
    "\"" + text.utf8.map { byte in
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): "\\" + String(UnicodeScalar(byte))
        case 0x20..<0x7F: String(UnicodeScalar(byte))
        default: "\\" + String(byte)
        }
    }.joined() + "\""
}
