import AssayConnectors
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// The PostgreSQL connector against the live stack's server (`scripts/stack up`).
@Suite struct PostgresConnectorTests {
    let stack: LiveStack
    let url: String

    init() throws {
        stack = try LiveStack.current()
        url = try stack.postgresURL
    }

    func connector(_ options: ConnectorOptions = ConnectorOptions()) -> PostgresConnector {
        PostgresConnector(url: url, options: options)
    }

    func rows(_ connector: PostgresConnector, _ sql: String, _ params: [JSONValue] = []) throws -> [JSONValue] {
        let arguments: [JSONValue] = params.isEmpty ? [.string(sql)] : [.string(sql), .array(params)]
        return try #require(try connector.call("query", arguments, deadline: .after(.seconds(10))).arrayValue)
    }

    // MARK: - Values

    @Test func typesAndParametersRoundTrip() throws {
        let pg = connector()
        defer { pg.close() }
        let sql = """
            SELECT $1::int8 AS i, $2::float8 AS d, $3::bool AS b, $4::text AS s, $5::int AS n,
                   1::int2 AS small, 2::int4 AS four, 'pg_class'::regclass::oid AS o, 1.5::float4 AS f4,
                   12.50::numeric AS num, 12345678901234567890.5::numeric AS big, 'NaN'::float8 AS nan,
                   DATE '2024-02-29' AS day, ARRAY[1,2] AS arr, NULL::int AS nothing, 'x' AS a, 'y' AS a
            """
        let params: [JSONValue] = [
            .int(-9_007_199_254_740_993), .double(0.25), .bool(true), .string("héllo 'q'"), .null,
        ]
        let result = try rows(pg, sql, params)
        #expect(result.count == 1)
        let row = try #require(result.first?.objectValue)
        #expect(row["i"] == .int(-9_007_199_254_740_993))
        #expect(row["d"] == .double(0.25))
        #expect(row["b"] == .bool(true))
        #expect(row["s"] == .string("héllo 'q'"))
        #expect(row["n"] == .null)
        #expect(row["small"] == .int(1))
        #expect(row["four"] == .int(2))
        #expect(row["o"] == .int(1259))
        #expect(row["f4"] == .double(1.5))
        #expect(row["num"] == .double(12.5))
        #expect(row["big"] == .string("12345678901234567890.5"))
        #expect(row["nan"] == .string("NaN"))
        #expect(row["day"] == .string("2024-02-29"))
        #expect(row["arr"] == .string("{1,2}"))
        #expect(row["nothing"] == .null)
        #expect(row["a"] == .string("x"))
        #expect(row["a_2"] == .string("y"))
    }

    @Test func manyRows() throws {
        let pg = connector()
        defer { pg.close() }
        let result = try rows(pg, "SELECT g AS n, 'row ' || g AS label FROM generate_series(1, $1::int) AS g", [50_000])
        #expect(result.count == 50_000)
        #expect(result.last?["n"] == .int(50_000))
        #expect(result.last?["label"] == .string("row 50000"))
    }

    @Test func emptyResultAndRowsInOrder() throws {
        let pg = connector()
        defer { pg.close() }
        #expect(try rows(pg, "SELECT 1 AS a WHERE false").isEmpty)
        let ordered = try rows(pg, "VALUES (3), (1), (2)").map { $0["column1"] }
        #expect(ordered == [.int(3), .int(1), .int(2)])
        #expect(try rows(pg, "SELECT 1 AS a; -- one statement, a trailing semicolon").first?["a"] == .int(1))
    }

    @Test func versionFromParameterStatus() throws {
        let pg = connector()
        defer { pg.close() }
        let version = try pg.call("version", [], deadline: .after(.seconds(5)))
        let number = try #require(version["server_version_num"]?.intValue)
        #expect(number >= 150_000)
        let text = try #require(version["server_version"]?.stringValue)
        #expect(text.hasPrefix("\(number / 10000)."))
    }

    @Test func loginFacts() throws {
        let pg = connector()
        defer { pg.close() }
        let login = try pg.call("login", [], deadline: .after(.seconds(5)))
        #expect(login["user"] == "assay")
        #expect(login["superuser"] == .bool(false))
        #expect(login["pg_monitor"] == .bool(true))
        #expect(login["pg_read_all_stats"] == .bool(true))  // pg_monitor includes it
        let admin = PostgresConnector(url: try stack.postgresAdminURL)
        defer { admin.close() }
        let superuser = try admin.call("login", [], deadline: .after(.seconds(5)))
        #expect(superuser["superuser"] == .bool(true))
        #expect(superuser["user"] == "postgres")
        #expect(timedCall(pg, "login", [1], deadline: .after(.seconds(5))).error?.kind == .refused)
    }

    @Test func settingsFromPgSettings() throws {
        let pg = connector()
        defer { pg.close() }
        let settings = try pg.call("settings", [], deadline: .after(.seconds(5)))
        let maxConnections = try #require(settings["max_connections"]?.objectValue)
        #expect(Int(maxConnections["setting"]?.stringValue ?? "") ?? 0 > 0)
        #expect(maxConnections["vartype"] == .string("integer"))
        #expect(maxConnections["pending_restart"] == .bool(false))
        #expect(settings["shared_buffers"]?["unit"] == .string("8kB"))
        #expect((settings.objectValue?.count ?? 0) > 200)
    }

    @Test func connectionStringsAndExplicitPasswords() throws {
        let parts = try StackURL(url)
        let pairs = "host=\(parts.host) port=\(parts.port) dbname=app user=\(parts.user)"
        let pg = PostgresConnector(url: pairs, password: parts.password)
        defer { pg.close() }
        let result = try pg.call("query", ["SELECT current_user AS u"], deadline: .after(.seconds(5)))
        #expect(result.arrayValue?.first?["u"] == .string(parts.user))
        let overridden = PostgresConnector(url: parts.with(password: "not-the-password"), password: parts.password)
        defer { overridden.close() }
        #expect(try overridden.call("query", ["SELECT 1 AS one"], deadline: .after(.seconds(5))).arrayValue?.count == 1)
    }

    @Test func unknownOperationsAndBadArgumentsAreRefused() {
        let pg = connector()
        defer { pg.close() }
        let deadline = Deadline.after(.seconds(5))
        #expect(timedCall(pg, "exec", ["SELECT 1"], deadline: deadline).error?.kind == .refused)
        #expect(timedCall(pg, "query", [], deadline: deadline).error?.kind == .refused)
        #expect(timedCall(pg, "query", ["SELECT $1", [["nested"]]], deadline: deadline).error?.kind == .refused)
        #expect(timedCall(pg, "version", [1], deadline: deadline).error?.kind == .refused)
    }

    @Test func reconnectsAfterTheServerDroppedAnIdleConnection() throws {
        let pg = connector()
        defer { pg.close() }
        let pid = try #require(try rows(pg, "SELECT pg_backend_pid() AS pid").first?["pid"]?.intValue)
        let admin = try RawPostgres(try stack.postgresAdminURL)
        #expect(try admin.value("SELECT pg_terminate_backend(\(pid))") == "t")
        for _ in 0..<100 where try admin.value("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)") != "0" {
            usleep(10_000)
        }
        let again = try #require(try rows(pg, "SELECT pg_backend_pid() AS pid").first?["pid"]?.intValue)
        #expect(again != pid)
    }

    // MARK: - Errors and secrets

    @Test func serverErrorsAreDeniedWithSQLState() throws {
        let pg = connector()
        defer { pg.close() }
        let deadline = Deadline.after(.seconds(5))
        let missing = timedCall(pg, "query", ["SELECT * FROM no_such_table_anywhere"], deadline: deadline).error
        #expect(missing?.kind == .denied)
        #expect(missing?.message.contains("42P01") == true)
        // A syntax error is the check's mistake: refused, with the server's message.
        let syntax = timedCall(pg, "query", ["SELECT FROM WHERE"], deadline: deadline).error
        #expect(syntax?.kind == .refused)
        #expect(syntax?.message.contains("SQLSTATE 42601: syntax error at or near \"WHERE\"") == true)
        let unreadable = timedCall(pg, "query", ["SELECT rolpassword FROM pg_authid"], deadline: deadline).error
        #expect(unreadable?.kind == .denied)
        #expect(unreadable?.message.contains("42501") == true)
        // The transaction was rolled back and the connection still works.
        #expect(try rows(pg, "SELECT 2 AS two").first?["two"] == .int(2))
    }

    @Test func wrongPasswordIsDeniedWithoutLeakingIt() throws {
        let parts = try StackURL(url)
        let wrong = "wrong-\(UInt32.random(in: 0...UInt32.max))"
        for pg in [PostgresConnector(url: parts.with(password: wrong)),
                   PostgresConnector(url: parts.with(password: .some(nil)), password: wrong)] {
            defer { pg.close() }
            let failure = timedCall(pg, "query", ["SELECT 1"], deadline: .after(.seconds(5))).error
            #expect(failure?.kind == .denied || failure?.kind == .unreachable)
            let message = failure?.message ?? ""
            let leaked = message.contains(wrong) || message.contains(parts.password)
            #expect(!leaked, "the error message contains a password")
            #expect(message.contains("authentication failed"))
        }
    }

    @Test func addressHasNoPassword() throws {
        let parts = try StackURL(url)
        let pg = connector()
        let leaked = pg.address.contains(parts.password)
        #expect(!leaked, "the address contains the password")
        #expect(pg.address == "postgres://\(parts.user)@\(parts.host):\(parts.port)/app")
        #expect(pg.kind == .postgres)
    }
}

