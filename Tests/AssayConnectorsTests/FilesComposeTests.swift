import AssayCore
import Testing

@testable import AssayConnectors

@Suite struct FilesComposeTests {
    /// The compose fixture, interpolated from the `.env` beside it.
    func project() throws -> JSONValue {
        let dotenv = try DotenvParser.read(try FilesFixture.text("compose/project/.env"), path: "compose/project/.env")
        return try ComposeParser.parse(
            try FilesFixture.text("compose/project/docker-compose.yml"), path: "compose/project/docker-compose.yml",
            dotenv: dotenv, dotenvPath: "compose/project/.env")
    }

    @Test func keepsTheDocumentTypedAsYAML() throws {
        let data = try project()
        #expect(data.at("name") == "shop")
        #expect(data.at("services", "redis", "image") == "redis:7")
        #expect(data.at("services", "api", "build", "context") == ".")
        #expect(data.at("services", "api", "build", "target") == "production")
        #expect(data.at("services", "api", "depends_on") == ["postgres"])
        #expect(data.at("volumes", "static") == .object([:]))
        // Merge keys and anchors are resolved.
        #expect(data.at("services", "api", "deploy", "resources", "limits", "memory") == "512M")
        #expect(data.at("lines", "services.api") == 13)
        #expect(data.at("lines", "services.api.ports") == 31)
        #expect(data.at("lines", "services.postgres.image") == 53)
        #expect(data.at("lines", "volumes") == 64)
    }

    @Test func interpolatesFromTheDotenvBesideIt() throws {
        let data = try project()
        #expect(data.at("services", "api", "image") == "shop/api:1.4.2")
        #expect(data.at("services", "postgres", "labels", "tier") == "data")
        #expect(data.at("services", "postgres", "labels", "owner") == "")
        #expect(data.at("services", "api", "environment", "PRICE") == "$5")
        #expect(data.at("interpolation", "missing") == ["OWNER"])
        #expect(data.at("interpolation", "dotenv") == "compose/project/.env")
    }

    @Test func normalisesEnvironmentToAMapOfStrings() throws {
        let data = try project()
        let api = try #require(data.at("services", "api", "environment"))
        #expect(api.at("LOG_LEVEL") == "info")
        #expect(api.at("DEBUG") == "no")
        #expect(api.at("WORKERS") == "4")
        #expect(api.at("FROM_SHELL") == .null)
        #expect(api.at("DATABASE_URL") == "postgres://app:REDACTED@pgbouncer:6432/app")
        #expect(api.at("DJANGO_SECRET_KEY", "source") == "inline")
        #expect(api.at("DJANGO_SECRET_KEY", "weak") == false)
        #expect(api.at("POSTGRES_PASSWORD", "source") == "interpolated")
        #expect(api.at("POSTGRES_PASSWORD", "length") == 21)
        #expect(api.at("SHARED_SECRET", "source") == "inline")

        let postgres = try #require(data.at("services", "postgres", "environment"))
        #expect(postgres.at("POSTGRES_USER") == "app")
        #expect(postgres.at("POSTGRES_PASSWORD", "source") == "interpolated")
        #expect(postgres.at("POSTGRES_PASSWORD", "weak") == false)
        #expect(postgres.at("POSTGRES_DB") == .null)

        #expect(data.at("services", "api", "build", "args", "NODE_ENV") == "production")
        #expect(data.at("services", "api", "build", "args", "NPM_TOKEN", "redacted") == true)
    }

    @Test func weakDefaultIsSeenWhenTheVariableIsUnset() throws {
        let yaml = "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-postgres}\n"
        let data = try ComposeParser.parse(yaml, path: "docker-compose.yml")
        #expect(data.at("services", "db", "environment", "POSTGRES_PASSWORD", "weak") == true)
        #expect(data.at("services", "db", "environment", "POSTGRES_PASSWORD", "source") == "interpolated")
        #expect(data.at("interpolation", "dotenv") == nil)
    }

    @Test func escapedDollarIsNotInterpolation() throws {
        let yaml = "services:\n  a:\n    environment:\n      DB_PASSWORD: \"pa$$word-long-enough\"\n"
        let data = try ComposeParser.parse(yaml, path: "docker-compose.yml")
        #expect(data.at("services", "a", "environment", "DB_PASSWORD", "source") == "inline")
        #expect(data.at("services", "a", "environment", "DB_PASSWORD", "length") == 19)
    }

    @Test func parsesPortsAndVolumes() throws {
        let data = try project()
        let ports = try #require(data.at("services", "api", "ports")?.arrayValue)
        #expect(ports[0].at("host_ip") == "127.0.0.1")
        #expect(ports[0].at("published") == 8000)
        #expect(ports[0].at("target") == 8000)
        #expect(ports[0].at("protocol") == "tcp")
        #expect(ports[0].at("original") == "127.0.0.1:8000:8000")
        #expect(ports[0].at("all_interfaces") == false)
        #expect(ports[1].at("target") == 9090)
        #expect(ports[1].at("published") == nil)
        #expect(ports[1].at("all_interfaces") == true)
        #expect(ports[2].at("host_ip") == "::1")
        #expect(ports[2].at("published") == 9443)
        #expect(ports[2].at("target") == 443)
        #expect(ports[3].at("published") == 8081)
        #expect(ports[3].at("all_interfaces") == true)
        #expect(data.at("services", "postgres", "ports", 0, "all_interfaces") == true)
        #expect(data.at("services", "postgres", "ports", 0, "published") == 5432)

        let volumes = try #require(data.at("services", "api", "volumes")?.arrayValue)
        #expect(volumes[0].at("type") == "bind")
        #expect(volumes[0].at("source") == "./src")
        #expect(volumes[0].at("target") == "/app")
        #expect(volumes[0].at("read_only") == true)
        #expect(volumes[1].at("type") == "volume")
        #expect(volumes[1].at("read_only") == false)
        #expect(volumes[2].at("source") == "/var/run/docker.sock")
        #expect(volumes[3].at("target") == "/cache")
        #expect(volumes[3].at("source") == nil)
    }

    @Test func scrubsSecretsOutOfCommands() throws {
        let data = try project()
        #expect(data.at("services", "redis", "command") == "redis-server --requirepass [REDACTED] --maxmemory 256mb")
        #expect(data.at("services", "api", "healthcheck", "test") == ["CMD-SHELL", "redis-cli -a [REDACTED] ping"])
        #expect(
            data.at("services", "postgres", "command")
                == ["postgres", "-c", "max_connections=200", "--password", "[REDACTED]"])
    }

    @Test func errorsNameTheirLine() throws {
        let malformed = try FilesFixture.failure("compose/malformed/docker-compose.yml") {
            text, path throws(ConfigParseError) in
            try ComposeParser.parse(text, path: path)
        }
        #expect(malformed?.line == 6)
        let required = try FilesFixture.failure("compose/required/docker-compose.yml") {
            text, path throws(ConfigParseError) in
            try ComposeParser.parse(text, path: path)
        }
        #expect(required?.line == 5)
        #expect(required?.message == "required variable API_TOKEN is missing a value")
        let badPort = try FilesFixture.failure("compose/bad-port/compose.yaml") { text, path throws(ConfigParseError) in
            try ComposeParser.parse(text, path: path)
        }
        #expect(badPort?.line == 5)
        #expect(throws: ConfigParseError.self) {
            try ComposeParser.parse("services:\n  a:\n    image: x$\n", path: "c.yml")
        }
        #expect(throws: ConfigParseError.self) {
            try ComposeParser.parse("a: 1\na: 2\n", path: "c.yml")
        }
    }

    @Test func aliasBombsAreBounded() {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for level in 0..<8 {
            let name = "l\(level)"
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        #expect(throws: ConfigParseError.self) { try ComposeParser.parse(yaml, path: "bomb.yml") }
    }

    @Test func typesScalarsAsYAML12() {
        #expect(ComposeParser.typed("true") == true)
        #expect(ComposeParser.typed("yes") == "yes")
        #expect(ComposeParser.typed("0x1F") == 31)
        #expect(ComposeParser.typed("1.5") == .double(1.5))
        #expect(ComposeParser.typed("1e3") == .double(1000))
        #expect(ComposeParser.typed("22:22") == "22:22")
        #expect(ComposeParser.typed("~") == .null)
        #expect(ComposeParser.typed(".") == ".")
    }
}
