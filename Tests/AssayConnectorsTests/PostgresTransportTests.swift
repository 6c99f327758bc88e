import AssayConnectors
import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// The relay in front of libpq (``SocketRelay``) on every transport: TLS goes through it untouched
/// (libpq's TLS is bound to the socket's descriptor number, which the relay keeps), and a unix
/// socket is held to the caps like TCP. On servers of the test's own.
@Suite struct PostgresTransportTests {
    @Test func queriesAndCapsOverTLS() throws {
        let keys = try TemporaryFolder(prefix: "assay-tls")
        defer { keys.remove() }
        chmod(keys.path, 0o755)
        try Program.output("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                                               "-subj", "/CN=127.0.0.1", "-keyout", keys.file("server.key"),
                                               "-out", keys.file("server.crt")])
        try Program.output("/bin/chown", ["postgres:postgres", keys.file("server.key"), keys.file("server.crt")])
        chmod(keys.file("server.key"), 0o600)
        let server = try PostgresTestServer(settings: """
            ssl = on
            ssl_cert_file = '\(keys.file("server.crt"))'
            ssl_key_file = '\(keys.file("server.key"))'
            """)
        defer { server.stop() }
        let password = UUID().uuidString
        try server.psql("CREATE ROLE auditor LOGIN PASSWORD '\(password)' IN ROLE pg_monitor")
        let url = server.url(user: "auditor", password: password) + "?sslmode=require"

        let pg = PostgresConnector(url: url)
        defer { pg.close() }
        let ssl = try pg.call("query", ["SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()"],
                              deadline: .after(.seconds(10))).arrayValue?.first
        #expect(ssl?["ssl"] == .bool(true))
        #expect(ssl?["version"]?.stringValue?.hasPrefix("TLS") == true)
        let rows = try pg.call("query", ["SELECT g, repeat('t', 1000) AS filler FROM generate_series(1, 10000) g"],
                               deadline: .after(.seconds(20))).arrayValue
        #expect(rows?.count == 10000)
        #expect(rows?.last?["g"] == .int(10000))

        let capped = PostgresConnector(url: url, options: ConnectorOptions(replyLimits: ReplyLimits(bytes: 1 << 20)))
        defer { capped.close() }
        let failure = timedCall(capped, "query", ["SELECT repeat('x', 4 * 1024 * 1024) AS big"],
                                deadline: .after(.seconds(10))).error
        #expect(failure?.message == "reply larger than 1 MiB (limits.reply_max_mb)")
        #expect(try capped.call("query", ["SELECT 1 AS one"], deadline: .after(.seconds(10))).arrayValue?.count == 1)
    }

    @Test func queriesAndCapsOverAUnixSocket() throws {
        let server = try PostgresTestServer()
        defer { server.stop() }
        let password = UUID().uuidString
        try server.psql("CREATE ROLE auditor LOGIN PASSWORD '\(password)' IN ROLE pg_monitor")
        let url = server.socketURL(user: "auditor", password: password)
        let pg = PostgresConnector(url: url, options: ConnectorOptions(replyLimits: ReplyLimits(bytes: 1 << 20)))
        defer { pg.close() }
        let local = try pg.call("query", ["SELECT client_addr IS NULL AS over_a_socket FROM pg_stat_activity WHERE pid = pg_backend_pid()"],
                                deadline: .after(.seconds(10))).arrayValue?.first
        #expect(local?["over_a_socket"] == .bool(true))
        let rows = try pg.call("query", ["SELECT g, repeat('u', 900) AS filler FROM generate_series(1, 1000) g"],
                               deadline: .after(.seconds(10))).arrayValue
        #expect(rows?.count == 1000)
        let failure = timedCall(pg, "query", ["SELECT repeat('x', 4 * 1024 * 1024) AS big"], deadline: .after(.seconds(10))).error
        #expect(failure?.message == "reply larger than 1 MiB (limits.reply_max_mb)")
        #expect(try pg.call("query", ["SELECT 1 AS one"], deadline: .after(.seconds(10))).arrayValue?.count == 1)
    }
}
