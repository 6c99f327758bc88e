import AssayCore
import AssayLua
import Testing

/// The helpers the prelude gives checks under `assay.` (checks/README.md, "Helpers"), each run in
/// a real sandbox with connector answers from a table.
@Suite("The assay helpers for checks")
struct HelperTests {
    // MARK: - Tables and addresses

    @Test("sorted_keys sorts, takes a comparator and accepts nil")
    func sortedKeys() {
        let findings = run("""
            local t = { pear = 1, apple = 2, fig = 3 }
            ctx:pass { message = table.concat(assay.sorted_keys(t), ",") .. "|"
              .. table.concat(assay.sorted_keys(t, function(a, b) return a > b end), ",") .. "|"
              .. #assay.sorted_keys(nil) }
            """)
        #expect(findings.map(\.message) == ["apple,fig,pear|pear,fig,apple|0"])
    }

    @Test("sorted_pairs walks a table in key order, the same in every run")
    func sortedPairs() {
        for _ in 0..<3 {
            let findings = run("""
                local parts = {}
                for k, v in assay.sorted_pairs({ c = 3, a = 1, b = 2, d = 4, e = 5 }) do parts[#parts + 1] = k .. "=" .. v end
                for _ in assay.sorted_pairs({}) do parts[#parts + 1] = "never" end
                ctx:pass { message = table.concat(parts, ",") }
                """)
            #expect(findings.map(\.message) == ["a=1,b=2,c=3,d=4,e=5"])
        }
    }

    @Test("is_loopback knows localhost, ::1 and 127/8, as written")
    func isLoopback() {
        let findings = run("""
            local out = {}
            for _, a in ipairs({ "localhost", "::1", "127.0.0.1", "127.9.9.9", "10.0.0.1", "0.0.0.0", "*", "LOCALHOST", "::" }) do
              out[#out + 1] = a .. "=" .. tostring(assay.is_loopback(a))
            end
            ctx:pass { message = table.concat(out, " ") }
            """)
        #expect(findings.map(\.message) == [
            "localhost=true ::1=true 127.0.0.1=true 127.9.9.9=true 10.0.0.1=false 0.0.0.0=false *=false LOCALHOST=false ::=false",
        ])
    }

    @Test("grade fails at the critical and warning thresholds and passes below")
    func grade() {
        let findings = run("""
            for _, v in ipairs({ 96, 91, 50 }) do
              assay.grade(ctx, v, { resource = "r/" .. v, evidence = { v = v }, message = "at " .. v,
                warn = 90, warn_note = " (over %s)", crit = 95, crit_note = " (way over %s)" })
            end
            assay.grade(ctx, 7, { resource = "high", message = "seven", warn = 1, warn_note = "", crit = 5,
              crit_note = " >= %d", crit_severity = "high" })
            """)
        #expect(findings.map { "\($0.status) \($0.resource) \($0.severity) \($0.message)" } == [
            "fail r/96 critical at 96 (way over 95)", "fail r/91 high at 91 (over 90)", "pass r/50 high at 50",
            "fail high high seven >= 5",
        ])
        #expect(JSONWriter().string(findings[0].evidence) == #"{"v":96}"#)
    }

    // MARK: - files

    @Test("documents returns the parsed files of a kind")
    func documentsFound() {
        let env = answering(["configs redis": [["path": "redis.conf", "kind": "redis", "data": [:]]]])
        let findings = run("""
            local docs = assay.documents(ctx, "redis", "redis.conf")
            ctx:pass { message = #docs .. " " .. docs[1].path }
            """, environment: env)
        #expect(findings.map(\.message) == ["1 redis.conf"])
    }

    @Test("documents skips when the folder has no such file, and says nothing when it has one that does not parse")
    func documentsMissing() {
        let none = answering(["configs hba": [], "list": [["path": ".env", "kind": "dotenv"]]])
        let skipped = run(#"if assay.documents(ctx, "hba", "pg_hba.conf") == nil then ctx:log("nil") end"#, environment: none)
        #expect(skipped.map { "\($0.status) \($0.message)" } == ["skip no pg_hba.conf in the folder"])

        let unreadable = answering(["configs hba": [], "list": [["path": "pg_hba.conf", "kind": "hba"]]])
        let quiet = run("""
            if assay.documents(ctx, "hba", "pg_hba.conf") == nil then ctx:pass { message = "nil, nothing said" } end
            """, environment: unreadable)
        #expect(quiet.map { "\($0.status) \($0.message)" } == ["pass nil, nothing said"])
    }

    @Test("compose_services sorts services, names resources and replaces a non-table service by {}")
    func composeServices() {
        let findings = run("""
            local doc = { path = "deploy/compose.yml", data = { services = { web = { image = "w" }, db = { image = "d" }, odd = "text" } } }
            local out = {}
            for _, n in ipairs({ 1, 2 }) do
              local docs = {}
              for i = 1, n do docs[i] = doc end
              for _, s in ipairs(assay.compose_services(doc, docs)) do
                out[#out + 1] = s.name .. ":" .. s.resource .. ":" .. tostring(s.service.image)
              end
            end
            out[#out + 1] = #assay.compose_services({ path = "x", data = { services = "none" } }, { 1 })
            ctx:pass { message = table.concat(out, " ") }
            """)
        #expect(findings.map(\.message) == [
            "db:compose/services.db:d odd:compose/services.odd:nil web:compose/services.web:w "
                + "db:deploy/compose.yml#services.db:d odd:deploy/compose.yml#services.odd:nil "
                + "web:deploy/compose.yml#services.web:w 0",
        ])
    }

    @Test("each_service calls back per service and skips files without services or without a judged one")
    func eachService() {
        let env = answering([
            "configs compose": [
                ["path": "a/compose.yml", "kind": "compose", "data": ["services": ["web": ["image": "w"], "db": [:]]]],
                ["path": "b/compose.yml", "kind": "compose", "data": ["services": [:]]],
            ],
        ])
        let all = run("""
            assay.each_service(ctx, function(s, doc) ctx:pass { resource = s.resource, message = doc.path .. " " .. s.name } end)
            """, environment: env)
        #expect(all.map { "\($0.status) \($0.resource) \($0.message)" } == [
            "pass a/compose.yml#services.db a/compose.yml db", "pass a/compose.yml#services.web a/compose.yml web",
            "skip b/compose.yml b/compose.yml defines no service",
        ])
        let judged = run("""
            assay.each_service(ctx, function(s)
              if s.service.image == nil then return false end
              ctx:pass { resource = s.resource, message = s.name .. " has an image" }
              return true
            end, "has an image")
            """, environment: env)
        #expect(judged.map { "\($0.status) \($0.resource) \($0.message)" } == [
            "pass a/compose.yml#services.web web has an image", "skip b/compose.yml no service of b/compose.yml has an image",
        ])
        let nothing = run("assay.each_service(ctx, function() end)", environment: answering(["configs compose": [], "list": []]))
        #expect(nothing.map(\.message) == ["no docker compose file in the folder"])
    }

    @Test("postgresql_servers groups by folder and lets postgresql.auto.conf win")
    func postgresqlServers() {
        let findings = run("""
            local docs = {
              { path = "a/postgresql.auto.conf", data = { settings = { ssl = { value = "on" } } } },
              { path = "a/postgresql.conf", data = { settings = { ssl = { value = "off" }, port = { value = "5433" } } } },
              { path = "postgresql.conf", data = { settings = { ssl = { value = "off" } } } },
            }
            local out = {}
            for _, server in ipairs(assay.postgresql_servers(docs)) do
              local s = server.settings
              out[#out + 1] = server.main .. " ssl=" .. s.ssl.s.value .. "@" .. s.ssl.path .. " port=" .. (s.port and s.port.s.value or "-")
            end
            ctx:pass { message = table.concat(out, "; ") }
            """)
        #expect(findings.map(\.message) == [
            "a/postgresql.conf ssl=on@a/postgresql.auto.conf port=5433; postgresql.conf ssl=off@postgresql.conf port=-",
        ])
    }

    @Test("pgbouncer_ini_not_zero fails 0, passes other values and applies the default")
    func pgbouncerIniNotZero() {
        func ini(_ path: String, _ settings: JSONValue) -> JSONValue {
            ["path": .string(path), "kind": "pgbouncer", "data": ["pgbouncer": settings, "lines": ["pgbouncer.query_wait_timeout": 7]]]
        }
        let env = answering([
            "configs pgbouncer": [
                ini("a.pgbouncer.ini", ["query_wait_timeout": 0]), ini("b.pgbouncer.ini", ["query_wait_timeout": 30]),
                ini("c.pgbouncer.ini", [:]), ini("d.pgbouncer.ini", ["query_wait_timeout": "soon"]),
            ],
        ])
        let findings = run(#"assay.pgbouncer_ini_not_zero(ctx, "query_wait_timeout", 120, "clients wait forever")"#, environment: env)
        #expect(findings.map { "\($0.status) \($0.resource) \($0.message)" } == [
            "fail a.pgbouncer.ini#query_wait_timeout query_wait_timeout = 0: clients wait forever",
            "pass b.pgbouncer.ini#query_wait_timeout query_wait_timeout = 30",
            "pass c.pgbouncer.ini#query_wait_timeout query_wait_timeout = 120 (the default)",
            "pass d.pgbouncer.ini#query_wait_timeout query_wait_timeout = 120",
        ])
        #expect(JSONWriter().string(findings[0].evidence) == #"{"default":false,"file":"a.pgbouncer.ini","line":7,"query_wait_timeout":0}"#)
        let unset = run(#"assay.pgbouncer_ini_not_zero(ctx, "query_wait_timeout", 0, "off")"#, environment: answering([
            "configs pgbouncer": [ini("e.pgbouncer.ini", [:])],
        ]))
        #expect(unset.map(\.message) == ["query_wait_timeout = 0 (not set: the default): off"])
    }

    @Test("judge_hba_files fails each judged rule and passes a file without one")
    func judgeHbaFiles() {
        let rules: JSONValue = [["line": 3, "method": "trust"], ["line": 4, "method": "scram-sha-256"]]
        let env = answering([
            "configs hba": [
                ["path": "a/pg_hba.conf", "kind": "hba", "data": ["rules": rules]],
                ["path": "b/pg_hba.conf", "kind": "hba", "data": ["rules": [["line": 1, "method": "peer"]]]],
            ],
        ])
        let findings = run("""
            assay.judge_hba_files(ctx, function(r, doc)
              if r.method == "trust" then return { message = "trust on " .. r.line, severity = "low", evidence = { file = doc.path } } end
            end, "trusts nobody")
            """, environment: env)
        #expect(findings.map { "\($0.status) \($0.resource) \($0.severity) \($0.message)" } == [
            "fail a/pg_hba.conf:3 low trust on 3", "pass b/pg_hba.conf high b/pg_hba.conf trusts nobody",
        ])
        #expect(JSONWriter().string(findings[1].evidence) == #"{"file":"b/pg_hba.conf","rules":1}"#)
    }

    // MARK: - pgbouncer

    @Test("pgbouncer_not_zero reads SHOW CONFIG: error when absent, fail at 0, pass otherwise")
    func pgbouncerNotZero() {
        let env = answering(["show CONFIG": [["key": "server_lifetime", "value": "0"], ["key": "client_idle_timeout", "value": "900"]]])
        let findings = run("""
            assay.pgbouncer_not_zero(ctx, "server_lifetime", "used once")
            assay.pgbouncer_not_zero(ctx, "client_idle_timeout", "never")
            assay.pgbouncer_not_zero(ctx, "query_wait_timeout", "never")
            """, environment: env)
        #expect(findings.map { "\($0.status) \($0.resource) \($0.message)" } == [
            "fail setting/server_lifetime server_lifetime = 0: used once",
            "pass setting/client_idle_timeout client_idle_timeout = 900 s",
            "error sample SHOW CONFIG has no query_wait_timeout",
        ])
    }

    @Test("client_pools and pgbouncer_databases leave out the admin console and sort")
    func pgbouncerLists() {
        let env = answering([
            "show POOLS": [
                ["database": "shop", "user": "b"], ["database": "pgbouncer", "user": "pgbouncer"], ["database": "app", "user": "z"],
                ["database": "shop", "user": "a"],
            ],
            "show DATABASES": [["name": "shop"], ["name": "pgbouncer"], ["name": "app"]],
        ])
        let findings = run("""
            local out = {}
            for _, p in ipairs(assay.client_pools(ctx.target)) do out[#out + 1] = p.database .. "/" .. p.user end
            for _, d in ipairs(assay.pgbouncer_databases(ctx.target)) do out[#out + 1] = d.name end
            ctx:pass { message = table.concat(out, " ") }
            """, environment: env)
        #expect(findings.map(\.message) == ["app/z shop/a shop/b app shop"])
    }

    // MARK: - postgres

    @Test("pg_sees_all_sessions is true for a member of pg_read_all_stats, else an error finding")
    func seesAllSessions() {
        let member = run("""
            if assay.pg_sees_all_sessions(ctx, "sessions") then ctx:pass { message = "sees" } end
            """, environment: answering(["query": [["visible": true]]]))
        #expect(member.map { "\($0.status) \($0.message)" } == ["pass sees"])
        let outsider = run("""
            if not assay.pg_sees_all_sessions(ctx, "lock waits") then return end
            ctx:pass { message = "never" }
            """, environment: answering(["query": [["visible": false]]]))
        #expect(outsider.map(\.status) == [.error])
        #expect(outsider.first?.message.hasSuffix("so lock waits were not checked") == true)
        #expect(outsider.first?.remediation == "GRANT pg_monitor TO the audit role.")
    }

    @Test("judge_hba_rules fails judged lines with the rule as evidence, passes with the count, errors when denied")
    func judgeHbaRules() {
        let rows: JSONValue = [
            ["line_number": 1, "type": "local", "auth_method": "peer"],
            ["line_number": 2, "type": "host", "address": "0.0.0.0", "netmask": "0.0.0.0", "auth_method": "md5"],
        ]
        let body = """
            assay.judge_hba_rules(ctx, function(r)
              if r.auth_method == WANTED then return { message = "line " .. r.line_number, severity = "medium" } end
            end, "none of the %d rules")
            """
        let failed = run(body.replacingOccurrences(of: "WANTED", with: #""md5""#), environment: answering(["query": rows]))
        #expect(failed.map { "\($0.status) \($0.resource) \($0.severity) \($0.message)" } == ["fail hba/line/2 medium line 2"])
        #expect(JSONWriter().string(failed[0].evidence)
            == #"{"address":"0.0.0.0","auth_method":"md5","line":2,"netmask":"0.0.0.0","type":"host"}"#)
        let passed = run(body.replacingOccurrences(of: "WANTED", with: #""trust""#), environment: answering(["query": rows]))
        #expect(passed.map { "\($0.status) \($0.message)" } == ["pass none of the 2 rules"])

        var denied = TestEnvironment()
        denied.answer = { _, _, _ in .failure(HostCallFailure(grade: .denied, message: "permission denied")) }
        let error = run(body.replacingOccurrences(of: "WANTED", with: "nil"), environment: denied)
        #expect(error.map(\.status) == [.error])
        #expect(error.first?.message.hasSuffix("so pg_hba.conf was not checked: permission denied") == true)
    }

    // MARK: - docker

    @Test("each_container goes through containers by name and skips the ones it cannot inspect")
    func eachContainer() {
        var env = TestEnvironment()
        env.answer = { _, operation, arguments in
            switch (operation, arguments.first?.stringValue) {
            case ("containers", _):
                return .success([["Id": "c2", "Names": ["/web"]], ["Id": "c1", "Names": ["/api"]], ["Id": "c3"]], problems: [])
            case ("container", "c3"): return .failure(HostCallFailure(grade: .denied, message: "no such container"))
            case ("container", let id?): return .success(["Id": .string(id), "User": "app"], problems: [])
            default: return .failure(HostCallFailure(grade: .refused, message: "no \(operation)"))
            }
        }
        let findings = run("""
            assay.each_container(ctx, function(resource, c) ctx:pass { resource = resource, message = c.Id .. " " .. c.User } end)
            """, environment: env)
        #expect(findings.map { "\($0.status) \($0.resource) \($0.message)" } == [
            "pass container/api c1 app", "skip container/c3 no such container", "pass container/web c2 app",
        ])
        var empty = TestEnvironment()
        empty.answer = { _, _, _ in .success([], problems: []) }
        #expect(run("assay.each_container(ctx, function() end)", environment: empty).map(\.message) == ["the engine has no containers"])
    }
}

/// An environment answering connector calls from `answers`, keyed by the operation and its first
/// text argument (`"configs redis"`, `"show POOLS"`), or by the operation alone (`"query"`, `"list"`).
private func answering(_ answers: [String: JSONValue]) -> TestEnvironment {
    var environment = TestEnvironment()
    environment.answer = { _, operation, arguments in
        let keyed = arguments.first?.stringValue.map { "\(operation) \($0)" }
        guard let value = keyed.flatMap({ answers[$0] }) ?? answers[operation] else {
            return .failure(HostCallFailure(grade: .refused, message: "no answer to \(keyed ?? operation)"))
        }
        return .success(value, problems: [])
    }
    return environment
}
