import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// Rules that read two sources of a stack together: the applications' configuration and the
/// server it points at.
@Suite("Cross-component rules")
struct CrossComponentChecksTests {
    static let compose = """
        services:
          worker:
            image: example/app:2.0.1
            command: celery -A shop worker
            environment:
              REDIS_URL: redis://cache:6379/0
          web:
            image: example/app:2.0.1
            environment:
              SESSION_REDIS_URL: redis://cache:6379/1
              CACHE_URL: redis://cache:6379/2
          cache:
            image: redis:7.2.4
        """

    /// One rule alone (`checks/<path>`), on a folder: the files judged, as when no server is audited.
    static func findings(of check: String, on files: [String: String]) throws -> [Finding] {
        let folder = try TemporaryFolder(files)
        defer { folder.remove() }
        let configuration = Configuration(
            targets: [TargetConfiguration(name: "files", kind: .files, location: folder.path)],
            checkPaths: [RepositoryPaths.root.appendingPathComponent("checks/\(check)").path], builtinChecks: false)
        return try Auditor(configuration: configuration).run().report.findings
    }

    static func filesOnly(_ files: [String: String]) throws -> [Finding] {
        try findings(of: "redis/store-persistence.lua", on: files)
    }

    @Test func aQueueOnARedisThatPersistsNothingFails() throws {
        let findings = try Self.filesOnly([
            "docker-compose.yml": Self.compose, "redis/redis.conf": "port 6379\nsave \"\"\nappendonly no\n",
        ])
        #expect(findings.summary == ["REDIS-STORE-UNPERSISTED fail persistence"])
        let message = findings.first?.message ?? ""
        #expect(message.contains("compose/services.worker REDIS_URL (celery worker's Redis)"), "\(message)")
        #expect(message.contains("compose/services.web SESSION_REDIS_URL (session store)"), "\(message)")
        #expect(!message.contains("CACHE_URL"))
    }

    @Test func aQueueOnARedisThatPersistsPasses() throws {
        let findings = try Self.filesOnly([
            "docker-compose.yml": Self.compose, "redis/redis.conf": "port 6379\nsave \"\"\nappendonly yes\n",
        ])
        #expect(findings.summary == ["REDIS-STORE-UNPERSISTED pass persistence"])
    }

    @Test func aCacheOnlyRedisIsNotJudged() throws {
        let cacheOnly = Self.compose.replacingOccurrences(of: "SESSION_REDIS_URL", with: "CACHE2_URL")
            .replacingOccurrences(of: "command: celery -A shop worker", with: "command: gunicorn shop.wsgi")
        let findings = try Self.filesOnly([
            "docker-compose.yml": cacheOnly, "redis/redis.conf": "port 6379\nsave \"\"\nappendonly no\n",
        ])
        #expect(findings.summary == ["REDIS-STORE-UNPERSISTED skip persistence"])
    }

    /// On the real stack the live server is judged (its RDB schedule persists), not a file.
    @Test func theLiveRedisIsJudgedWhenThereIsOne() throws {
        let redis = try CheckHarness.stackTarget(.redis)
        let port = try #require(URL(string: redis.location.replacingOccurrences(of: "redis://", with: "http://"))?.port)
        let folder = try TemporaryFolder([
            "docker-compose.yml": """
                services:
                  worker:
                    image: example/app:2.0.1
                    environment:
                      CELERY_BROKER_URL: redis://127.0.0.1:\(port)/0
                """,
        ])
        defer { folder.remove() }
        let findings = try CheckHarness.run(
            ["REDIS-STORE-UNPERSISTED"], targets: [redis, TargetConfiguration(name: "files", kind: .files, location: folder.path)])
        #expect(findings.summary == ["REDIS-STORE-UNPERSISTED pass persistence"])
        #expect(findings.first?.message.contains("per the running server") == true, "\(findings.first?.message ?? "")")
    }
}

/// A server whose TLS is off while compose publishes its port on every interface.
@Suite("Cross-component rules: published without TLS")
struct ExposedWithoutTLSTests {
    static func run(_ check: String, _ files: [String: String]) throws -> [String] {
        try CrossComponentChecksTests.findings(of: check, on: files).map { "\($0.status.rawValue) \($0.resource) \($0.message)" }
    }

    static func compose(_ service: String, _ port: String) -> String {
        "services:\n  \(service):\n    image: example/\(service):1.0\n    ports:\n      - \"\(port)\"\n"
    }

    /// The issue's case: a loopback listen_addr in the file hides a 0.0.0.0:6432:6432 mapping.
    @Test func aLoopbackPgBouncerPublishedEverywhereWithoutTLSFails() throws {
        let ini = "[databases]\napp = host=db\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = 6432\n"
        let bad = try Self.run("pgbouncer/exposed-without-tls.lua", [
            "docker-compose.yml": Self.compose("pgbouncer", "0.0.0.0:6432:6432"), "pgbouncer/pgbouncer.ini": ini,
        ])
        #expect(bad.count == 1)
        #expect(bad.first?.hasPrefix("fail compose/services.pgbouncer pgbouncer publishes PgBouncer on every interface (0.0.0.0:6432:6432) while client_tls_sslmode = disable") == true, "\(bad)")
        let tls = try Self.run("pgbouncer/exposed-without-tls.lua", [
            "docker-compose.yml": Self.compose("pgbouncer", "0.0.0.0:6432:6432"),
            "pgbouncer/pgbouncer.ini": ini + "client_tls_sslmode = require\n",
        ])
        #expect(tls.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == ["pass compose/services.pgbouncer"])
        let loopback = try Self.run("pgbouncer/exposed-without-tls.lua", [
            "docker-compose.yml": Self.compose("pgbouncer", "127.0.0.1:6432:6432"), "pgbouncer/pgbouncer.ini": ini,
        ])
        #expect(loopback.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == ["pass port/6432"])
    }

    @Test func aPostgresPublishedEverywhereWithoutTLSFails() throws {
        let bad = try Self.run("postgres/exposed-without-tls.lua", [
            "docker-compose.yml": Self.compose("db", "5432:5432"), "postgres/postgresql.conf": "port = 5432\nssl = off\n",
        ])
        #expect(bad.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == ["fail compose/services.db"], "\(bad)")
        let good = try Self.run("postgres/exposed-without-tls.lua", [
            "docker-compose.yml": Self.compose("db", "5432:5432"), "postgres/postgresql.conf": "port = 5432\nssl = on\n",
        ])
        #expect(good.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == ["pass compose/services.db"], "\(good)")
    }
}
