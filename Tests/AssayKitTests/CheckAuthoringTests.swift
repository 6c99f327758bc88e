import AssayConnectors
import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// The check author's kit: lint (Assay's rules and luacheck), editor definitions, skeletons.
@Suite("Check author's kit")
struct CheckAuthoringTests {
    static let contract = CheckContract.current(handles: TargetKindRegistry.builtin.handles)
    static var hasLuacheck: Bool { Luacheck.executable != nil }

    func lint(_ source: String, path: String = "c.lua", luacheck: Bool = true) throws -> [String] {
        try CheckLinter.lint([CheckScript(path: path, source: Array(source.utf8))], luacheck: luacheck).problems
            .map { "\($0.line):\($0.column): \($0.message)" }
    }

    @Test("the built-in library lints clean, with luacheck")
    func builtinLibraryIsClean() throws {
        let scripts = try CheckCatalog.builtinScripts()
        let result = try CheckLinter.lint(scripts)
        #expect(scripts.count > 90)
        #expect(result.luacheckRan == Self.hasLuacheck)
        #expect(result.problems.isEmpty, "\(result.problems.map(\.description).joined(separator: "\n"))")
        #expect(result.valid == scripts.count)
    }

    @Test("luacheck's findings come on their token, with the sandbox's standard", .enabled(if: hasLuacheck))
    func luacheckFindings() throws {
        let found = try lint("""
            return assay.check {
              id = "X-ONE", title = "t", severity = "low", category = "security", needs = { "files" },
              run = function(ctx)
                local f = io.open("/etc/passwd")
                local s = string.fromat("%d", 1)
                for _, ctx in ipairs({}) do print(ctx) end
                local docs = assay.documnets(ctx, "redis", "redis.conf")
                do return end
                print(f, s, docs)
              end,
            }
            """)
        #expect(found.contains("4:15: accessing undefined variable 'io'"), "\(found)")
        #expect(found.contains("5:15: accessing undefined field 'fromat' of global 'string' (did you mean 'format'?)"), "\(found)")
        #expect(found.contains { $0.hasPrefix("6:12: shadowing definition of argument 'ctx' on line 3") }, "\(found)")
        #expect(found.contains("7:18: accessing undefined field 'documnets' of global 'assay' (did you mean 'documents'?)"), "\(found)")
        #expect(found.contains("9:5: unreachable code"), "\(found)")
    }

    @Test("a descriptor's wrong severity is reported on the field, once")
    func severityOnItsLine() throws {
        let found = try lint("""
            return assay.check {
              id = "X-ONE",
              title = "t",
              severity = "hgh",
              category = "security", needs = { "files" },
              run = function(ctx) ctx:pass() end,
            }
            """)
        #expect(found == ["4:14: unknown severity 'hgh' (did you mean 'high'?) (expected one of critical, high, medium, low, info)"])
    }

    @Test("a syntax error is reported once, by luacheck when it runs")
    func syntaxErrorOnce() throws {
        let source = "return assay.check {\n  id = \"X-ONE\"\n  title = 't' }\n"
        let found = try lint(source)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix("3:") == true, "\(found)")
        let alone = try lint(source, luacheck: false)
        #expect(alone.count == 1 && alone[0].hasPrefix("3:"), "\(alone)")
    }

    @Test("the luacheck standard holds the sandbox, not Lua's whole library", .enabled(if: hasLuacheck))
    func standardIsTheSandbox() throws {
        let text = LuacheckStandard.text(Self.contract)
        #expect(text.contains("string = { fields = { byte = {}"))
        #expect(!text.contains("dump"))
        #expect(!text.contains("    load = {}"))
        let found = try lint("""
            return assay.check {
              id = "X-ONE", title = "t", severity = "low", category = "security", needs = { "files" },
              run = function(ctx)
                ctx:pass(string.dump(print) .. tostring(load) .. tostring(os.time()) .. math.random())
              end,
            }
            """)
        #expect(found.count == 4, "\(found)")
    }

    @Test("without luacheck, Assay's rules still run")
    func withoutLuacheck() throws {
        let result = try CheckLinter.lint(
            [CheckScript(path: "c.lua", source: Array(checkSource(id: "X-ONE", "ctx:fial('x'); io.write()").utf8))], luacheck: false)
        #expect(!result.luacheckRan)
        #expect(result.problems.map(\.message) == ["ctx has no method 'fial' (did you mean 'fail'?)"])
    }

    // MARK: - Editor definitions

    @Test("the definitions file parses, and names every method of the contract", .enabled(if: hasLuacheck))
    func definitionsParse() throws {
        let text = LuaDefinitions.text(Self.contract)
        #expect(text.hasPrefix("---@meta"))
        for (kind, spec) in Self.contract.handles {
            let cls = "assay." + kind.rawValue.prefix(1).uppercased() + kind.rawValue.dropFirst() + "Target"
            #expect(text.contains("---@class \(cls)"))
            for method in spec.methods { #expect(text.contains(":\(method.name)("), "\(kind) \(method.name)") }
        }
        for helper in Self.contract.helpers { #expect(text.contains("function assay.\(helper.name)(")) }
        #expect(text.contains("---@field severity? assay.Severity"))
        let folder = try TemporaryFolder(["assay.d.lua": text])
        defer { folder.remove() }
        let result = try Program.run(Luacheck.executable!, ["--no-config", "--codes", "--formatter", "plain", folder.file("assay.d.lua")])
        #expect(!result.stdout.contains("(E"), "\(result.stdout)")
        #expect(result.status <= 1, "\(result.stdout)\(result.stderr)")
        if let server = ExternalTools.find("lua-language-server") {
            let checked = try Program.run(server, ["--check", folder.path, "--checklevel=Error"])
            #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        }
    }

    @Test("a check calling every method of its kind lints clean", arguments: TargetKindRegistry.builtin.kinds)
    func everyMethodLintsClean(_ kind: TargetKind) throws {
        let spec = try #require(Self.contract.handle(kind.rawValue))
        var body = [
            "ctx:pass(); ctx:fail('m'); ctx:error('m'); ctx:skip(); ctx:log('x')",
            "local _ = { ctx:input('n', 1), ctx:targets('\(kind.rawValue)'), ctx:components(), ctx.check.id, ctx.target.name }",
            "if ctx.component then ctx.component:live(); ctx.component:documents('redis'); ctx.component:services() end",
            "if ctx.component then ctx.component:containers(); ctx.component:has('live') end",
        ]
        for method in spec.methods {
            let args = method.parameters.filter { !$0.isOptional }.map { $0.type == .integer ? "1" : "'x'" }
            body.append("local _ = ctx.target:\(method.name)(\(args.joined(separator: ", ")))")
        }
        for helper in Self.contract.helpers where helper.name != "check" { body.append("local _ = assay.\(helper.name)") }
        let source = checkSource(id: "EVERY-METHOD", needs: kind.rawValue, inputs: "n = 1", body.joined(separator: "\n    "))
        let found = try lint(source)
        #expect(found == [], "\(found)")
    }

    // MARK: - Skeletons

    @Test("checks new writes a check that lints clean, and examples that pass", arguments: ["files", "postgres", "redis", "docker", "pgbouncer"])
    func skeletonLintsAndTests(_ kind: String) throws {
        let skeleton = try CheckSkeleton(id: "MY-TEAM-RULE", kind: kind)
        #expect(try lint(skeleton.source, path: skeleton.fileName) == [])
        var files = skeleton.examples
        files[skeleton.fileName] = skeleton.source
        let folder = try TemporaryFolder(files)
        defer { folder.remove() }
        let outcomes = try CheckExamples.run(at: folder.path)
        #expect(outcomes.count == (kind == "files" ? 2 : 0))
        #expect(outcomes.allSatisfy { $0.passed }, "\(outcomes.map(\.line))")
    }

    @Test func skeletonRefusesBadIDsAndKinds() {
        #expect(throws: ConfigurationError.self) { try CheckSkeleton(id: "my-rule", kind: "files") }
        #expect(throws: ConfigurationError.self) { try CheckSkeleton(id: "MY-RULE", kind: "fils") }
    }
}
