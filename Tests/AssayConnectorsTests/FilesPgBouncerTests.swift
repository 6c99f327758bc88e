import AssayCore
import Testing

@testable import AssayConnectors

@Suite struct FilesPgBouncerTests {
    func parse(_ name: String) throws -> JSONValue {
        try PgBouncerIniParser.parse(try FilesFixture.text(name), path: name)
    }

    @Test func readsSectionsTypesAndLines() throws {
        let data = try parse("pgbouncer/good.ini")
        #expect(data.at("pgbouncer", "auth_type") == "md5")
        #expect(data.at("pgbouncer", "listen_addr") == "*")
        #expect(data.at("pgbouncer", "listen_port") == 6432)
        #expect(data.at("pgbouncer", "client_idle_timeout") == 0)
        #expect(data.at("pgbouncer", "query_wait_timeout") == .double(120.5))
        #expect(data.at("pgbouncer", "unix_socket_mode") == "0777")
        #expect(data.at("pgbouncer", "server_reset_query") == "DISCARD ALL")
        #expect(data.at("pgbouncer", "admin_users") == "postgres")
        #expect(data.at("lines", "pgbouncer.auth_type") == 12)
        #expect(data.at("lines", "databases.app") == 3)
        #expect(data.at("databases", "app", "host") == "postgres")
        #expect(data.at("databases", "app", "port") == 5432)
        #expect(data.at("databases", "app", "pool_size") == 20)
        #expect(data.at("databases", "app", "pool_mode") == "transaction")
        #expect(data.at("databases", "app", "password", "redacted") == true)
        #expect(data.at("databases", "app", "password", "form") == "plain")
        #expect(data.at("databases", "*", "host") == "postgres")
        #expect(data.at("users", "admin", "max_user_connections") == 5)
    }

    @Test func readsQuotingLikePgBouncer() throws {
        let data = try parse("pgbouncer/tricky.ini")
        #expect(data.at("databases", "my db", "dbname") == "report db")
        #expect(data.at("databases", "my db", "password", "length") == .int(Int64("it's a S3cret with spaces".count)))
        #expect(data.at("databases", "legacy", "port") == 6543)
        #expect(data.at("databases", "legacy", "password", "set") == true)
        // `;` after a value is not a comment for PgBouncer: the value keeps it.
        #expect(data.at("pgbouncer", "logfile") == "/var/log/pgbouncer.log ; not a comment in pgbouncer")
        #expect(data.at("pgbouncer", "pool_mode") == "transaction")
        #expect(data.at("lines", "pgbouncer.pool_mode") == 8)
        #expect(data.at("peers", "1", "pool_size") == 4)
        #expect(data.at("other_sections", "mystery", "color") == "blue")
    }

    @Test func malformedLinesNameTheirLine() throws {
        let missingEquals = try FilesFixture.failure("pgbouncer/malformed.ini", PgBouncerIniParser.parse)
        #expect(missingEquals?.line == 4)
        #expect(missingEquals?.description.hasPrefix("pgbouncer/malformed.ini:4: ") == true)
        let unterminated = try FilesFixture.failure("pgbouncer/unterminated.ini", PgBouncerIniParser.parse)
        #expect(unterminated?.line == 5)
        #expect(unterminated?.message.contains("unterminated") == true)
        let include = try FilesFixture.failure("pgbouncer/include.ini", PgBouncerIniParser.parse)
        #expect(include?.line == 3)
        #expect(include?.message.contains("%include is not supported") == true)
    }
}
