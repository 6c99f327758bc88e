import AssayConnectors
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// The PgBouncer console connector against the live stack's PgBouncer (`scripts/stack up`).
@Suite struct PgBouncerConnectorTests {
    let stack: LiveStack
    let url: String

    init() throws {
        stack = try LiveStack.current()
        url = try stack.pgbouncerURL
    }

    func show(_ bouncer: PgBouncerConnector, _ name: String) throws -> [[String: JSONValue]] {
        let rows = try #require(try bouncer.call("show", [.string(name)], deadline: .after(.seconds(5))).arrayValue)
        return rows.compactMap(\.objectValue)
    }

    @Test func poolsHaveTypedColumns() throws {
        let bouncer = PgBouncerConnector(url: url)
        defer { bouncer.close() }
        let pools = try show(bouncer, "POOLS")
        let console = try #require(pools.first { $0["database"] == "pgbouncer" })
        for column in ["cl_active", "cl_waiting", "sv_active", "sv_idle", "sv_used", "maxwait", "maxwait_us"] {
            #expect(console[column]?.intValue != nil, "\(column) is \(String(describing: console[column]))")
        }
        #expect(console["pool_mode"]?.stringValue != nil)
        #expect(console["user"]?.stringValue != nil)
        #expect((console["cl_active"]?.intValue ?? 0) >= 1)  // this very connection
        #expect(try show(bouncer, "pools").count == pools.count)  // case-insensitive
    }

    @Test func statsDatabasesConfigListsAndVersion() throws {
        let bouncer = PgBouncerConnector(url: url)
        defer { bouncer.close() }
        let stats = try show(bouncer, "STATS")
        #expect(stats.contains { $0["database"] == "pgbouncer" })
        #expect(stats.allSatisfy { $0["total_xact_count"]?.intValue != nil && $0["avg_wait_time"]?.intValue != nil })

        let databases = try show(bouncer, "DATABASES")
        #expect(databases.first { $0["name"] == "app" }?["pool_size"] == .int(2))
        #expect(databases.first { $0["name"] == "tiny" }?["pool_size"] == .int(1))
        #expect(databases.allSatisfy { $0["host"] != nil && $0["max_connections"]?.intValue != nil })

        let config = try show(bouncer, "CONFIG")
        // Unset values (admin_users, auth_user, …) come as NULL.
        #expect(config.allSatisfy { row in
            row["key"]?.stringValue != nil && (row["value"]?.stringValue != nil || row["value"] == .null)
        })
        #expect(config.first { $0["key"] == "listen_port" }?["value"]?.stringValue.flatMap { Int($0) } != nil)
        #expect(config.first { $0["key"] == "auth_type" }?["value"] == .string("scram-sha-256"))
        #expect(config.first { $0["key"] == "stats_users" }?["value"]?.stringValue?.contains("assay") == true)

        let lists = try show(bouncer, "LISTS")
        #expect(lists.first { $0["list"] == "databases" }?["items"]?.intValue ?? 0 >= 3)
        #expect(lists.allSatisfy { $0["items"]?.intValue != nil })

        let versionRows = try show(bouncer, "VERSION")
        #expect(versionRows.count == 1)
        #expect(versionRows.first?["version"]?.stringValue?.hasPrefix("PgBouncer 1.") == true)
        let version = try bouncer.call("version", [], deadline: .after(.seconds(5)))
        #expect(version["major"] == .int(1))
        #expect((version["minor"]?.intValue ?? 0) >= 18)
        #expect(version["patch"]?.intValue != nil)
        #expect(version["version"] == versionRows.first?["version"])

        let others = ["SERVERS", "CLIENTS", "MEM", "USERS", "TOTALS", "STATS_TOTALS", "STATS_AVERAGES", "DNS_HOSTS", "DNS_ZONES"]
        for name in others {
            #expect(throws: Never.self, "SHOW \(name)") { _ = try show(bouncer, name) }
        }
        let clients = try show(bouncer, "CLIENTS")
        #expect(clients.contains { $0["application_name"] == "assay" && $0["database"] == "pgbouncer" })
        // SHOW STATE arrived in 1.19: older consoles answer with an error, newer with a row.
        let state = timedCall(bouncer, "show", ["STATE"], deadline: .after(.seconds(5))).error
        #expect((version["minor"]?.intValue ?? 0) >= 19 ? state == nil : state?.kind == .denied)
    }

    @Test func commandsAndUnknownShowsAreRefused() throws {
        let server = try SilentListener.tcp()
        defer { server.stop() }
        // Pointed at a listener that counts connections: nothing refused ever connects.
        let bouncer = PgBouncerConnector(url: "postgres://assay@127.0.0.1:\(server.port)/pgbouncer")
        defer { bouncer.close() }
        let deadline = Deadline.after(.seconds(5))
        for name in ["FDS", "PAUSE", "pools; PAUSE", "POOLS;", "RELOAD", "KILL app", "SET x = 1", "", "SHOW POOLS"] {
            #expect(timedCall(bouncer, "show", [.string(name)], deadline: deadline).error?.kind == .refused, "\(name)")
        }
        for operation in ["pause", "PAUSE", "reload", "kill", "set", "query"] {
            #expect(timedCall(bouncer, operation, [], deadline: deadline).error?.kind == .refused, "\(operation)")
        }
        #expect(timedCall(bouncer, "show", [], deadline: deadline).error?.kind == .refused)
        #expect(timedCall(bouncer, "version", ["x"], deadline: deadline).error?.kind == .refused)
        #expect(server.acceptedCount == 0)
    }

    @Test func waitingClientsShowInPools() throws {
        let appURL = try StackURL(try stack.pgbouncerAppURL).with(database: "tiny")
        // Three sessions on `tiny` (pool_size 1): the first holds the only server connection in an
        // open transaction, the others queue behind it.
        let sessions = try (0..<3).map { _ in try RawPostgres(appURL) }
        for session in sessions { try session.send("BEGIN; SELECT pg_backend_pid();") }
        let bouncer = PgBouncerConnector(url: url)
        defer { bouncer.close() }
        var waiting: Int64 = 0
        for _ in 0..<50 where waiting == 0 {
            waiting = try show(bouncer, "POOLS").first { $0["database"] == "tiny" }?["cl_waiting"]?.intValue ?? 0
            if waiting == 0 { usleep(50_000) }
        }
        #expect(waiting > 0)
        _ = sessions
    }

    @Test func silentConsoleTimesOut() throws {
        let server = try SilentListener.tcp()
        defer { server.stop() }
        let bouncer = PgBouncerConnector(url: "postgres://assay@127.0.0.1:\(server.port)/pgbouncer",
                                         options: ConnectorOptions(connectTimeout: .seconds(30)))
        let (failure, seconds) = timedCall(bouncer, "show", ["POOLS"], deadline: .after(.milliseconds(700)))
        #expect(failure?.kind == .timeout)
        #expect(seconds >= 0.65 && seconds < 1.7, "took \(seconds) s")
    }

    @Test func wrongPasswordAndAddressCarryNoSecret() throws {
        let parts = try StackURL(url)
        let wrong = "wrong-\(UInt32.random(in: 0...UInt32.max))"
        let bouncer = PgBouncerConnector(url: parts.with(password: wrong))
        defer { bouncer.close() }
        let failure = timedCall(bouncer, "show", ["POOLS"], deadline: .after(.seconds(5))).error
        #expect(failure?.kind == .denied || failure?.kind == .unreachable)
        let leaked = (failure?.message ?? "").contains(wrong) || bouncer.address.contains(wrong)
            || PgBouncerConnector(url: url).address.contains(parts.password)
        #expect(!leaked, "a password leaked into a message or an address")
        #expect(bouncer.address == "postgres://\(parts.user)@\(parts.host):\(parts.port)/pgbouncer")
        #expect(bouncer.kind == .pgbouncer)
    }
}
