import AssayTestSupport
import Foundation
import Testing

/// `assay checks lint|new|types|test`, as an author runs them.
@Suite("The check author's commands")
struct CheckAuthoringCLITests {
    static let broken = """
        return assay.check {
          id = "CLI-BROKEN", title = "t", category = "security", needs = { "postgres" },
          severity = "hgh",
          run = function(ctx)
            local rows = ctx.target:qeury("SELECT 1")
            ctx:fial { mesage = "x" .. #rows }
          end,
        }

        """

    @Test("lint prints file:line:col with a did-you-mean, and exits 1")
    func lintText() throws {
        let folder = try TemporaryFolder(["broken.lua": Self.broken])
        defer { folder.remove() }
        let result = try CLI.run(["checks", "lint", folder.path])
        #expect(result.status == 1)
        let path = folder.path + "/broken.lua"
        #expect(result.stdout.contains("\(path):3:14: unknown severity 'hgh' (did you mean 'high'?)"), "\(result.all)")
        #expect(result.stdout.contains("\(path):5:29: postgres targets have no method 'qeury' (did you mean 'query'?)"), "\(result.all)")
        #expect(result.stdout.contains("\(path):6:9: ctx has no method 'fial' (did you mean 'fail'?)"), "\(result.all)")
        #expect(result.stdout.hasSuffix("1 file, 0 valid, 3 problems\n"), "\(result.all)")
    }

    @Test("lint --format json is machine output")
    func lintJSON() throws {
        let folder = try TemporaryFolder(["broken.lua": Self.broken])
        defer { folder.remove() }
        let result = try CLI.run(["checks", "lint", "--format", "json", folder.file("broken.lua")])
        #expect(result.status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let problems = try #require(json?["problems"] as? [[String: Any]])
        #expect(problems.map { "\($0["line"]!):\($0["column"]!) \($0["code"]!)" } == ["3:14 A100", "5:29 A102", "6:9 A101"])
        #expect(json?["files"] as? Int == 1)
    }

    @Test("without luacheck, lint says so and still runs Assay's rules")
    func lintWithoutLuacheck() throws {
        let folder = try TemporaryFolder(["broken.lua": Self.broken])
        defer { folder.remove() }
        var environment = ProcessInfo.processInfo.environment
        environment["ASSAY_LUACHECK"] = ""
        let result = try Program.run(CLI.executable, ["checks", "lint", folder.path], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("luacheck is not installed"), "\(result.stderr)")
        #expect(result.stdout.contains("ctx has no method 'fial'"))
    }

    @Test("the built-in library lints clean and its examples pass")
    func builtinLibrary() throws {
        let lint = try CLI.run(["checks", "lint", RepositoryPaths.root.appendingPathComponent("checks").path])
        #expect(lint.status == 0, "\(lint.all)")
        let test = try CLI.run(["checks", "test"])
        #expect(test.status == 0, "\(test.all)")
        #expect(test.stdout.contains(" passed, 0 failed"))
    }

    @Test("checks new writes a check and examples that lint and test clean; a broken example fails")
    func newThenLintAndTest() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let new = try CLI.run(["checks", "new", "TEAM-RULE", "--kind", "files", "--dir", folder.path])
        #expect(new.status == 0, "\(new.all)")
        #expect(FileManager.default.fileExists(atPath: folder.file("team-rule.lua")))
        let lint = try CLI.run(["checks", "lint", folder.path])
        #expect(lint.status == 0, "\(lint.all)")
        let test = try CLI.run(["checks", "test", folder.path])
        #expect(test.status == 0, "\(test.all)")
        #expect(test.stdout.contains("ok    TEAM-RULE failing\nok    TEAM-RULE passing\n2 passed, 0 failed"), "\(test.all)")

        let again = try CLI.run(["checks", "new", "TEAM-RULE", "--kind", "files", "--dir", folder.path])
        #expect(again.status == 2 && again.stderr.contains("exists already"), "\(again.all)")

        try folder.write("team-rule.test/failing/expect.json", #"{"findings": [{"status": "passed"}]}"#)
        let unreadable = try CLI.run(["checks", "lint", folder.path])
        #expect(unreadable.status == 1)
        #expect(
            unreadable.stdout.contains(
                "team-rule.test/failing/expect.json:1:1: example failing: expect.json: findings[0] needs a status (pass, fail, error, skip)"),
            "\(unreadable.all)")
        try folder.write("team-rule.test/failing/expect.json", #"{"findings": [{"status": "pass"}]}"#)
        let broken = try CLI.run(["checks", "test", folder.path])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("FAIL  TEAM-RULE failing"), "\(broken.all)")
        #expect(broken.stdout.contains("1 passed, 1 failed"), "\(broken.all)")
    }

    @Test("checks types writes the Lua Language Server definitions and the luacheck standard")
    func types() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let result = try CLI.run(["checks", "types", folder.file("assay.d.lua"), "--luacheckrc", folder.file(".luacheckrc")])
        #expect(result.status == 0, "\(result.all)")
        let definitions = String(decoding: folder.read("assay.d.lua"), as: UTF8.self)
        #expect(definitions.hasPrefix("---@meta"))
        #expect(definitions.contains("function PostgresTarget:query(sql, ...) end"))
        #expect(String(decoding: folder.read(".luacheckrc"), as: UTF8.self).contains("stds.assay"))
    }
}
