import AssayCore
import AssayLua
import Testing

@Suite("Check descriptors")
struct DescriptorTests {
    func problems(_ source: String, path: String = "c.lua") -> [String] {
        switch CheckLoader.load(CheckScript(path: path, source: Array(source.utf8)), kinds: TestEnvironment().targetKinds) {
        case .success: return []
        case .failure(let error): return error.problems.map(\.description)
        }
    }

    @Test func validDescriptorLoads() throws {
        let source = """
            return assay.check {
              id = "PGB-CLIENT-IDLE", title = "Idle clients are disconnected", severity = "high",
              category = "pool-efficiency", needs = { "pgbouncer" }, tags = { "pgbouncer" },
              inputs = { max_idle = 900 },
              run = function(ctx) ctx:pass() end,
            }
            """
        let check = try CheckLoader.load(CheckScript(path: "ok.lua", source: Array(source.utf8))).get()
        #expect(check.id == "PGB-CLIENT-IDLE")
        #expect(check.descriptor.needs == ["pgbouncer"])
        #expect(check.descriptor.source.description == "ok.lua:1")
        #expect(check.declaredInputs["max_idle"] == .int(900))
    }

    @Test func unknownSeverityNamesFileAndLine() {
        let found = problems("""
            -- a comment
            return assay.check {
              id = "X-ONE", title = "t", severity = "hihg", category = "security", needs = { "files" },
              run = function(ctx) end,
            }
            """)
        // On the field's value, not on the line of `return assay.check {`.
        #expect(found == ["c.lua:3:41: unknown severity 'hihg' (did you mean 'high'?) (expected one of critical, high, medium, low, info)"])
    }

    @Test func missingRunIsAnError() {
        let found = problems(#"return assay.check { id = "X-ONE", title = "t", severity = "low", category = "security", needs = { "files" } }"#)
        #expect(found == ["c.lua:1:8: missing required field 'run' (a function(ctx))"])
    }

    @Test func unknownFieldAndKind() {
        let found = problems(#"return assay.check { id = "X-ONE", title = "t", severity = "low", category = "security", needs = { "mysql" }, severty = 1, run = function() end }"#)
        #expect(found.contains { $0.contains("unknown field 'severty'") })
        #expect(found.contains { $0.contains("unknown target kind 'mysql'") })
    }

    @Test func syntaxErrorNamesLine() {
        let found = problems("return assay.check {\n id = \"X\"\n title = 'y' }")
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("c.lua:3:"))
    }

    @Test func notReturningADescriptor() {
        #expect(problems("local x = 1") == ["c.lua: the file must end with `return assay.check { ... }` (it returned nil)"])
    }

    @Test func duplicateIDsNameBothPlaces() {
        let a = CheckScript(path: "a.lua", source: Array(#"return assay.check { id = "DUP-ID", title = "t", severity = "low", category = "security", needs = { "files" }, run = function() end }"#.utf8))
        let b = CheckScript(path: "b.lua", source: a.source)
        let (checks, problems) = CheckLoader.loadAll([a, b])
        #expect(checks.count == 1)
        #expect(problems.map(\.description) == ["b.lua:1: duplicate check id 'DUP-ID' (first defined at a.lua:1)"])
    }

    @Test func topLevelLoopIsStoppedAtLoad() {
        let found = problems("while true do end")
        #expect(found.count == 1)
        #expect(found[0].contains("instructions"))
    }
}
