import AssayCore
import Testing

@testable import AssayConnectors

@Suite struct FilesPostgresTests {
    @Test func readsValuesUnitsAndBooleans() throws {
        let data = try PostgresConfParser.parse(try FilesFixture.text("postgresql/good.conf"), path: "postgresql.conf")
        let settings = try #require(data.at("settings"))
        #expect(settings.at("listen_addresses", "value") == "*")
        #expect(settings.at("max_connections", "number") == 200)
        #expect(settings.at("max_connections", "line") == 3)
        // Written twice: the later one (line 15, quoted, with a blank before the unit) wins.
        #expect(settings.at("shared_buffers", "value") == "4 GB")
        #expect(settings.at("shared_buffers", "line") == 15)
        #expect(settings.at("shared_buffers", "bytes") == .int(4 << 30))
        #expect(settings.at("work_mem", "bytes") == .int(4096 * 1024))
        #expect(settings.at("effective_cache_size", "bytes") == .int(16384 * 8192))
        #expect(settings.at("maintenance_work_mem", "bytes") == .int(Int64(1.5 * Double(1 << 30))))
        #expect(settings.at("statement_timeout", "ms") == 30_000)
        #expect(settings.at("checkpoint_timeout", "ms") == 900_000)
        #expect(settings.at("idle_in_transaction_session_timeout", "ms") == 0)
        #expect(settings.at("log_min_duration_statement", "number") == -1)
        #expect(settings.at("log_min_duration_statement", "ms") == nil)
        #expect(settings.at("commit_delay", "ms") == .double(0.5))
        #expect(settings.at("ssl", "bool") == true)
        #expect(settings.at("log_connections", "bool") == false)
        #expect(settings.at("password_encryption", "value") == "scram-sha-256")
        #expect(settings.at("search_path", "value") == "\"$user\", public")
        #expect(settings.at("pg_stat_statements.max", "number") == 10000)
        #expect(settings.at("log_line_prefix", "value") == "it's %m 'q' A")
        #expect(settings.at("primary_conninfo", "value")?.stringValue?.contains("password=[REDACTED]") == true)
        #expect(data.at("includes", 0, "directive") == "include_dir")
        #expect(data.at("includes", 0, "path") == "conf.d")
        #expect(settings.at("include_dir") == nil)
    }

    @Test func malformedValuesNameTheirLine() throws {
        let unterminated = try FilesFixture.failure("postgresql/malformed.conf", PostgresConfParser.parse)
        #expect(unterminated?.line == 2)
        #expect(unterminated?.message == "unterminated quoted value for shared_buffers")
        let junk = try FilesFixture.failure("postgresql/junk.conf", PostgresConfParser.parse)
        #expect(junk?.line == 2)
        #expect(junk?.message == "syntax error after the value of port")
    }
}
