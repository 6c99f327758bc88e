import AssayCore
@testable import AssayLua
import AssayTestSupport
import Foundation
import Testing

/// A check sees the allow-list and nothing else.
@Suite("The sandbox's globals are an allow-list")
struct AllowListTests {
    @Test("every global, library member and string method a check sees is on the allow-list")
    func everythingSeenIsAllowed() throws {
        let findings = run("""
            local seen = {}
            for name, value in pairs(_G) do
              if type(value) == "table" and name ~= "_G" and name ~= "assay" then
                for member in pairs(value) do seen[#seen + 1] = name .. "." .. member end
              else
                seen[#seen + 1] = name
              end
            end
            table.sort(seen)
            ctx:pass { message = table.concat(seen, " ") }
            """)
        let seen = Set(try #require(findings.first?.message).split(separator: " ").map(String.init))
        let libraries: Set<String> = ["string", "table", "math", "utf8"]
        let allowed = Set(SandboxGlobals.all.map(\.qualifiedName)).union(SandboxGlobals.fromPrelude).union(["_G"])
        #expect(seen.subtracting(allowed).isEmpty, "seen but not allowed: \(seen.subtracting(allowed).sorted())")
        #expect(allowed.subtracting(seen).subtracting(libraries).isEmpty, "allowed but absent: \(allowed.subtracting(seen).sorted())")
    }

    @Test("every entry says why it is safe, and the loops Lua runs in C are replaced")
    func reasonsAndReplacements() {
        #expect(SandboxGlobals.all.allSatisfy { !$0.reason.isEmpty })
        #expect(Set(SandboxGlobals.all.map(\.qualifiedName)).count == SandboxGlobals.all.count)
        let replaced = Set(SandboxGlobals.all.filter { $0.kind == .replaced }.map(\.qualifiedName))
        #expect(replaced == [
            "setmetatable", "string.find", "string.gmatch", "string.gsub", "string.match", "string.rep", "table.concat",
            "table.insert", "table.move", "table.remove", "table.sort", "table.unpack",
        ])
    }

    @Test(
        "what the allow-list leaves out is absent",
        arguments: [
            "string.dump", "string.pack", "string.packsize", "string.unpack", "math.random", "math.randomseed", "__assay_op",
            "load", "loadfile", "dofile", "require", "collectgarbage", "io", "os", "debug", "package", "coroutine", "warn",
        ])
    func leftOutIsAbsent(_ name: String) {
        let parts = name.split(separator: ".").map(String.init)
        let lookup = parts.count == 2 ? "(_G[\"\(parts[0])\"] or {})[\"\(parts[1])\"]" : "_G[\"\(name)\"]"
        let findings = run("if \(lookup) ~= nil then ctx:fail(\"\(name) is reachable\") else ctx:pass() end")
        #expect(findings.map(\.status) == [.pass], "\(findings.map(\.message))")
    }

    @Test("strings' methods are the allow-listed string table, and their metatable is out of reach")
    func stringMethods() {
        let findings = run("""
            ctx:pass { message = tostring(getmetatable("")) .. " " .. tostring(("x").rep == string.rep) .. " "
              .. tostring(("x").dump) .. " " .. tostring(("x").pack) .. " " .. ("x"):rep(3) .. " " .. tostring("10" + 1) }
            """)
        #expect(findings.first?.message == "false true nil nil xxx 11")
    }

    @Test("a check's chunk receives nothing: the host function goes to the prelude only")
    func checkChunkGetsNoHost() throws {
        let source = """
            local count, first = select("#", ...), ...
            return assay.check { id = "X-ARGS", title = "args " .. count .. " " .. tostring(first), severity = "low",
              category = "security", needs = { "files" }, run = function() end }
            """
        let check = try CheckLoader.load(CheckScript(path: "args.lua", source: Array(source.utf8))).get()
        #expect(check.descriptor.title == "args 0 nil")
    }
}

/// The prelude is a real Lua file, linted and tested like a check.
@Suite("The prelude")
struct PreludeTests {
    static let path = RepositoryPaths.root.appendingPathComponent("Sources/AssayLua/Lua/prelude.lua").path

    @Test("is the file the host runs")
    func embeddedIsTheFile() throws {
        let file = try #require(FileManager.default.contents(atPath: Self.path))
        #expect(CheckRuntime.preludeSource == Array(file))
    }

    @Test("compiles with luac5.4 -p")
    func compiles() throws {
        let result = try Program.run("/usr/bin/luac5.4", ["-p", Self.path])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("lints clean with luacheck")
    func lintsClean() throws {
        let result = try Program.run(
            "/usr/bin/luacheck",
            ["--std", "lua54", "--globals", "print", "assay", "--no-self", "--no-max-line-length", "--no-color", "--", Self.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test("uses exactly the host operations LuaShim.h declares")
    func operationsMatchTheHeader() throws {
        let header = try String(contentsOfFile: RepositoryPaths.root.appendingPathComponent("Sources/LuaShim/include/LuaShim.h").path, encoding: .utf8)
        let prelude = try String(contentsOfFile: Self.path, encoding: .utf8)
        let declared = Set(header.matches(of: /X\(\w+, \d+, "(\w+)"\)/).map { String($0.1) })
        let used = Set(prelude.matches(of: /OP\.(\w+)/).map { String($0.1) })
        #expect(declared == ["call", "finding", "input", "targets", "log", "line", "handle", "components"])
        #expect(used == declared)
    }
}
