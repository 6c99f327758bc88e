import AssayCore
import Testing

@testable import AssayConnectors

/// `examples/sample-stack` parses cleanly and shows the flaws its README lists.
@Suite struct FilesSampleStackTests {
    let connector = FilesConnector(root: FilesFixture.repositoryRoot + "/examples/sample-stack")

    func configs(_ kind: String) throws -> [JSONValue] {
        try connector.call("configs", [.string(kind)], deadline: .after(.seconds(5))).arrayValue ?? []
    }

    @Test func everyFileParses() throws {
        let listed = try connector.call("list", [], deadline: .after(.seconds(5)))
        #expect(listed.arrayValue?.count == 7)
        for kind in ConfigKind.allCases {
            for document in try configs(kind.rawValue) {
                #expect(document.at("error") == nil, "\(document.at("path") ?? "?"): \(document.at("error") ?? "?")")
            }
        }
    }

    @Test func theDeliberateFlawsAreVisible() throws {
        let compose = try #require(try configs("compose").first?.at("data"))
        #expect(compose.at("services", "postgres", "ports", 0, "all_interfaces") == true)
        #expect(compose.at("services", "redis", "ports", 0, "all_interfaces") == true)
        #expect(compose.at("services", "api", "ports", 0, "all_interfaces") == false)
        #expect(compose.at("services", "redis", "image") == "redis:latest")
        #expect(compose.at("services", "worker", "deploy") == nil)
        #expect(compose.at("services", "worker", "environment", "DB_HOST") == "postgres")
        #expect(compose.at("services", "worker", "depends_on") == ["postgres", "redis"])
        #expect(compose.at("services", "pgbouncer", "healthcheck", "test", 1) == "pg_isready")
        #expect(compose.at("services", "postgres", "environment", "POSTGRES_PASSWORD", "weak") == true)
        #expect(compose.at("services", "api", "environment", "DJANGO_SECRET_KEY", "weak") == false)
        #expect(
            compose.at("services", "api", "environment", "DATABASE_URL")
                == "postgres://shop:REDACTED@pgbouncer:6432/shop")

        let pgbouncer = try #require(try configs("pgbouncer").first?.at("data"))
        #expect(pgbouncer.at("pgbouncer", "client_idle_timeout") == 0)
        #expect(pgbouncer.at("pgbouncer", "auth_type") == "md5")
        #expect(pgbouncer.at("pgbouncer", "listen_addr") == "*")

        let userlist = try #require(try configs("userlist").first)
        #expect(userlist.at("data", "users", 1, "password", "form") == "plain")
        #expect(userlist.at("data", "users", 0, "password", "form") == "md5")

        let redis = try #require(try configs("redis").first?.at("data"))
        #expect(redis.at("settings", "protected-mode") == "no")
        #expect(redis.at("settings", "bind") == "0.0.0.0")
        #expect(redis.at("settings", "maxmemory") == nil)
        #expect(redis.at("settings", "requirepass") == nil)

        let rules = try #require(try configs("hba").first?.at("data", "rules")?.arrayValue)
        #expect(rules.contains { $0.at("type") == "host" && $0.at("method") == "trust" })
        #expect(rules.contains { $0.at("prefix") == 0 && $0.at("method") == "md5" })

        let postgres = try #require(try configs("postgresql").first?.at("data", "settings"))
        #expect(postgres.at("ssl", "bool") == false)
        #expect(postgres.at("shared_buffers", "bytes") == .int(512 << 20))

        let dotenv = try #require(try configs("dotenv").first?.at("data"))
        #expect(dotenv.at("variables", "POSTGRES_PASSWORD", "weak") == true)
    }

    @Test func theStrongSecretNeverAppears() throws {
        var text = ""
        for kind in ConfigKind.allCases { text += JSONWriter().string(.array(try configs(kind.rawValue))) }
        // Computed outside #expect, so that a failure does not print the text holding the secret.
        let secrets = ["DISTINCTIVE", "admin-sample-plaintext", "f3a9c1e7b2d84605"]
        let leaked = secrets.indices.filter { text.contains(secrets[$0]) }
        #expect(leaked == [])
    }
}
