@testable import AssayConnectors
import AssayCore
import Testing

/// The text the inspection reads, without a server: expressions as PostgreSQL prints them in a
/// plan, the strict SHOW forms, and the refusals made before anything is sent.
@Suite struct PostgresInspectionTextTests {
    // MARK: - Deparsed expressions

    @Test func callsOperatorsAndCastsAsEXPLAINPrintsThem() {
        let expression = DeparsedExpression(
            "(pg_catalog.pg_sleep('1'::double precision) AND (a.x OPERATOR(public.===) $1) AND (\"Odd\"\"Name\"(b) = ANY ('{1}'::app.\"My Type\"[])))")
        // Keywords before a parenthesis (AND, ANY, OPERATOR) read as calls: no refused function has such a name.
        #expect(Set(expression.calls.map(\.key)) == ["pg_catalog.pg_sleep", "Odd\"Name", "any", "and", "operator"])
        #expect(Set(expression.operators.map(\.key)) == ["public.===", "="])
        #expect(Set(expression.types.map(\.key)) == ["double", "app.My Type"])
    }

    @Test func constantsAndNamesThatLookLikeCallsAreNotCalls() {
        // A string constant holding a call, a doubled quote, an E'' string with backslashes, an
        // alias and a column named like a function.
        let expression = DeparsedExpression(
            "(s.query ~~ '%pg_sleep(1)%''x'::text) AND (E'a\\\\''pg_reload_conf()'::text IS NOT NULL) AND (pg_sleep.pg_reload_conf > 0)")
        #expect(!expression.calls.contains { $0.name == "pg_sleep" || $0.name == "pg_reload_conf" })
        #expect(Set(expression.types.map(\.key)) == ["text"])
    }

    @Test func aCallPrintedWithABlankBeforeItsParenthesis() {
        #expect(DeparsedExpression("system ('10'::real)").calls.map(\.key) == ["system"])
        #expect(DeparsedExpression("COALESCE(x, 1)").calls.map(\.key) == ["coalesce"])
    }

    @Test func rawTextFindsWordsWhateverTheQuoting() {
        let text = RawText("SELECT 1 LIMIT \"PG_Reload_Conf\"()::int -- txid_current\n/* x */ + 'pg_sleep'")
        #expect(text.words.isSuperset(of: ["pg_reload_conf", "PG_Reload_Conf", "txid_current", "pg_sleep", "limit"]))
        #expect(text.operators.isSuperset(of: ["--", "/*", "*/", "+"]))
    }

    // MARK: - Before anything is sent

    @Test(arguments: [
        "SELECT txid_current()",
        "SELECT * FROM pg_class WHERE oid::int8 = \"txid_current\"()",
        "select PG_CURRENT_XACT_ID()",
        "SELECT U&\"\\0074xid_current\"()",
        "SELECT u&'\\0041'",
    ])
    func refusedBeforeTheServerPlansIt(_ sql: String) {
        #expect(StatementInspector.preflight(sql) != nil)
    }

    @Test(arguments: ["SELECT txid_current_snapshot()", "SELECT pg_current_xact_id_if_assigned()", "SELECT 'u & x'"])
    func namesThatOnlyStartTheSame(_ sql: String) {
        #expect(StatementInspector.preflight(sql) == nil)
    }

    // MARK: - SHOW

    @Test func showBecomesAQuery() throws {
        #expect(try ShowStatement.query(for: "SHOW work_mem", parameters: [])
            == "SELECT pg_catalog.current_setting('work_mem') AS \"work_mem\"")
        #expect(try ShowStatement.query(for: "  show\tPG_STAT_STATEMENTS.max ;\n", parameters: [])
            == "SELECT pg_catalog.current_setting('pg_stat_statements.max') AS \"pg_stat_statements.max\"")
        #expect(try ShowStatement.query(for: "SHOW TIME ZONE", parameters: [])?.contains("'timezone'") == true)
        #expect(try ShowStatement.query(for: "SHOW ALL", parameters: [])?.contains("pg_settings") == true)
        #expect(try ShowStatement.query(for: "SELECT 1", parameters: []) == nil)
        #expect(try ShowStatement.query(for: "showcase", parameters: []) == nil)
    }

    @Test(arguments: [
        "SHOW work_mem; SELECT pg_reload_conf()", "SHOW 'work_mem'", "SHOW work_mem -- x", "SHOW a.b.c",
        "SHOW work_mem, x", "SHOW \"work_mem\"", "SHOW 1x",
    ])
    func anythingElseAfterSHOWIsRefused(_ sql: String) {
        #expect(throws: ConnectorError.self) { try ShowStatement.query(for: sql, parameters: []) }
    }

    @Test func showTakesNoParameters() {
        #expect(throws: ConnectorError.self) { try ShowStatement.query(for: "SHOW work_mem", parameters: ["x"]) }
    }

    // MARK: - Verdicts on plans

    static let catalog: SideEffectCatalog = {
        var catalog = SideEffectCatalog()
        catalog.functions = ["pg_catalog.pg_reload_conf", "pg_reload_conf", "app.evil"]
        catalog.operators = ["app.===", "==="]
        catalog.types = ["app.evil_type"]
        catalog.names = ["pg_reload_conf", "evil", "===", "evil_type"]
        return catalog
    }()

    static func plan(_ node: String, output: [String], children: String = "") -> String {
        let outputs = output.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ", ")
        return """
            [{"Plan": {"Node Type": "\(node)", "Output": [\(outputs)]\(children.isEmpty ? "" : ", \"Plans\": [\(children)]")}}]
            """
    }

    func verdict(_ json: String, sql: String = "SELECT 1") throws -> StatementVerdict {
        StatementInspector.verdict(plan: try PlanInspection(json: json), catalog: Self.catalog, sql: sql)
    }

    @Test func pureReadsPass() throws {
        #expect(try verdict(Self.plan("Result", output: ["now()", "'pg_reload_conf()'::text"])) == .allowed)
    }

    @Test func refusedCallsOperatorsCastsAndNodes() throws {
        for (json, expected) in [
            (Self.plan("Result", output: ["pg_reload_conf()"]), "pg_reload_conf()"),
            (Self.plan("Result", output: ["app.evil(1)"]), "app.evil()"),
            (Self.plan("Result", output: ["(1 === 2)"]), "operator ==="),
            (Self.plan("Result", output: ["('x'::text)::app.evil_type"]), "cast to app.evil_type"),
            (Self.plan("ModifyTable", output: []), "ModifyTable"),
            (Self.plan("LockRows", output: []), "LockRows"),
            (Self.plan("Foreign Scan", output: []), "Foreign Scan"),
            (Self.plan("Brand New Node", output: []), "does not know"),
        ] {
            guard case .refused(let reason) = try verdict(json) else {
                Issue.record("\(json) was allowed")
                continue
            }
            #expect(reason.contains(expected), "\(reason)")
        }
    }

    @Test func nodesThatHideExpressionsAreCheckedAgainstTheStatementText() throws {
        let values = Self.plan("Values Scan", output: ["\"*VALUES*\".column1"])
        #expect(try verdict(values, sql: "VALUES (1), (2)") == .allowed)
        #expect(try verdict(values, sql: "VALUES (1), (PG_RELOAD_CONF()::int)") != .allowed)
        let limit = Self.plan("Limit", output: ["x"], children: Self.plan("Seq Scan", output: ["x"]).dropFirst().dropLast()
            .description)
        #expect(try verdict(limit, sql: "SELECT x FROM t LIMIT 1") == .allowed)
        #expect(try verdict(limit, sql: "SELECT x FROM t LIMIT (1 === 1)::int") != .allowed)
    }

    @Test func aHazardRefusesEverything() throws {
        var catalog = Self.catalog
        catalog.hazards = ["the implicit cast from integer to app.t goes through app.evil(integer)"]
        let verdict = StatementInspector.verdict(plan: try PlanInspection(json: Self.plan("Result", output: ["1"])),
                                                 catalog: catalog, sql: "SELECT 1")
        #expect(verdict == .refused("query refused: this database can call a function with side effects where a query "
            + "does not name it (the implicit cast from integer to app.t goes through app.evil(integer)), so Assay asks it nothing"))
    }

    @Test func unreadablePlansFail() {
        for json in ["", "{}", "[{\"NoPlan\": 1}]", String(repeating: "[", count: 1000)] {
            #expect(throws: ConnectorError.self) { try PlanInspection(json: json) }
        }
    }
}
