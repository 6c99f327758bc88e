import AssayConnectors
import AssayCore
import AssayLua
import Testing

@Suite("Lint: Assay's code rules")
struct CheckCodeRulesTests {
    static let contract = CheckContract.current(handles: TargetKindRegistry.builtin.handles)

    /// `line:col: message` of every problem of a check whose run body is `body` (from line 4).
    func problems(_ body: String, needs: String = "postgres", inputs: String = "") -> [String] {
        let source = """
            return assay.check {
              id = "X-ONE", title = "t", severity = "low", category = "security", needs = { "\(needs)" },\(inputs)
              run = function(ctx)
            \(body)
              end,
            }
            """
        return CheckCodeRules.problems(path: "c.lua", source: Array(source.utf8), contract: Self.contract)
            .sorted().map { "\($0.line):\($0.column): \($0.message)" }
    }

    @Test func misspeltContextMethodOnItsToken() {
        #expect(problems("    ctx:fial(\"no\")") == ["4:9: ctx has no method 'fial' (did you mean 'fail'?)"])
        #expect(problems("    local x = ctx.taget") == ["4:19: ctx has no field 'taget' (did you mean 'target'?)"])
        #expect(problems("    local x = ctx.check.idd .. ctx.check.title") == [
            "4:25: ctx.check has no field 'idd' (did you mean 'id'?) (it has: id, title, severity, category)"
        ])
    }

    @Test func handleMethodOfTheCheckKind() {
        let found = problems("    local rows = ctx.target:qeury(\"SELECT 1\")")
        #expect(found == ["4:29: postgres targets have no method 'qeury' (did you mean 'query'?) (they have: login, query, setting, settings, version)"])
        // The same name is right on a files check's handle only if files handles have it.
        #expect(problems("    ctx.target:query(\"x\")", needs: "files").first?.hasPrefix("4:16: files targets have no method 'query'") == true)
        #expect(problems("    ctx.target:configs(\"redis\")", needs: "files").isEmpty)
    }

    @Test func handlesFromTargetsAreTypedInTheirLoop() {
        let body = """
                for _, pgb in ipairs(ctx:targets("pgbouncer")) do
                  pgb:pools()
                  pgb:poolz()
                end
                local pgb = { poolz = function() end }
                pgb:poolz()
                local first = ctx:targets("redis")[1]
                first:infoo("server")
            """
        #expect(problems(body) == [
            "6:11: pgbouncer targets have no method 'poolz' (did you mean 'pools'?) (they have: clients, config, databases, lists, mem, pools, servers, show, stats, version)",
            "11:11: redis targets have no method 'infoo' (did you mean 'info'?) (they have: acl_list, client_list, command, config_get, dbsize, info, latency_doctor, memory_doctor, role, slowlog)",
        ])
    }

    @Test func handlesThroughLocalNamesAndLists() {
        let body = """
                local target = ctx.target
                target:settngs()
                local pgbs = ctx:targets("pgbouncer")
                for _, p in ipairs(pgbs) do p:stats(); p:stat() end
                local n = #pgbs
            """
        #expect(problems(body) == [
            "5:12: postgres targets have no method 'settngs' (did you mean 'settings'?) (they have: login, query, setting, settings, version)",
            "7:46: pgbouncer targets have no method 'stat' (did you mean 'stats'?) (they have: clients, config, databases, lists, mem, pools, servers, show, stats, version)",
        ])
    }

    @Test func findingFieldsAndSeverities() {
        let body = """
                ctx:fail {
                  mesage = "x",
                  severity = "hgh",
                  evidence = { anything = 1, severity = "not a finding's" },
                }
                ctx:pass({ resource = "r", message = "m", severity = "info" })
            """
        #expect(problems(body) == [
            "5:7: unknown field 'mesage' in ctx:fail (did you mean 'message'?) (a finding has: evidence, message, remediation, resource, severity)",
            "6:18: unknown severity 'hgh' in ctx:fail (did you mean 'high'?) (expected one of critical, high, medium, low, info)",
        ])
    }

    @Test func unusedAndUndeclaredInputs() {
        let found = problems(
            "    local a = ctx:input(\"limit\", 1) + ctx:input(\"limt\", 2)", inputs: "\n  inputs = { limit = 1, spare = 2 },")
        #expect(found == [
            "3:25: input 'spare' is declared but never read (ctx:input(\"spare\"))",
            "5:49: ctx:input(\"limt\") reads an input that `inputs` does not declare (did you mean 'limit'?)",
        ])
    }

    @Test func commentsAndStringsAreNotCode() {
        let body = """
                -- ctx:fial() in a comment
                --[[ ctx.target:qeury() ]]
                local s = "ctx:fial()" .. [==[ ctx:fail { mesage = 1 } ]==]
                ctx:log(s)
            """
        #expect(problems(body).isEmpty)
    }

    @Test func theBuiltinHelpersAndMethodsAreKnown() {
        let body = """
                ctx:pass(); ctx:fail("m"); ctx:error("m"); ctx:skip(); ctx:log("x")
                local _ = ctx:input("n", 1), ctx:targets("files"), ctx:components("service"), ctx.check.id, ctx.target.name
                if ctx.component then ctx.component:live(); ctx.component:documents("redis") end
            """
        #expect(problems(body, inputs: "\n  inputs = { n = 1 },").isEmpty)
    }

    @Test func suggestionsAreWithinTwoEdits() {
        #expect(Suggestion.closest(to: "fial", in: ["fail", "pass"]) == "fail")
        #expect(Suggestion.closest(to: "quux", in: ["fail", "pass"]) == nil)
        #expect(Suggestion.distance("kitten", "sitting") == 3)
    }

    @Test func contractReadsThePrelude() {
        let c = Self.contract
        #expect(c.contextMethods.map(\.name) == ["pass", "fail", "error", "skip", "log", "input", "targets", "components"])
        #expect(c.helpers.map(\.name).contains("documents"))
        #expect(c.helpers.first { $0.name == "sorted_keys" }?.parameters == ["t", "less"])
        #expect(c.helpers.allSatisfy { !$0.summary.isEmpty }, "\(c.helpers.filter { $0.summary.isEmpty }.map(\.name))")
        #expect(c.contextMethods.allSatisfy { !$0.summary.isEmpty })
        #expect(c.libraries.first { $0.name == "string" }?.fields.contains("dump") == false)
        #expect(!c.globals.contains("load") && c.globals.contains("pairs") && c.globals.contains("print"))
    }
}
