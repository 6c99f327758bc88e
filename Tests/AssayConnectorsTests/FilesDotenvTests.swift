import AssayCore
import Testing

@testable import AssayConnectors

@Suite struct FilesDotenvTests {
    @Test func readsDotenvRules() throws {
        let data = try DotenvParser.parse(try FilesFixture.text("dotenv/good.env"), path: ".env")
        let vars = try #require(data.at("variables"))
        #expect(vars.at("COMPOSE_PROJECT_NAME") == "demo")
        #expect(vars.at("DJANGO_DEBUG") == "false")
        #expect(vars.at("POSTGRES_USER") == "app")
        #expect(vars.at("POSTGRES_PASSWORD", "weak") == true)
        #expect(vars.at("DB_HOST") == "pgbouncer")
        #expect(vars.at("HASH_IN_VALUE") == "abc#def")
        #expect(vars.at("EMPTY") == "")
        #expect(vars.at("EMPTY_QUOTED") == "")
        #expect(vars.at("SINGLE") == "literal ${POSTGRES_USER} \\n stays")
        #expect(vars.at("DOUBLE") == "line1\nline2 \"quoted\" $HOME")
        #expect(vars.at("EXPANDED") == "app@pgbouncer/")
        #expect(vars.at("DEFAULTED") == "fallback")
        #expect(vars.at("API_SECRET_KEY", "weak") == false)
        #expect(vars.at("API_SECRET_KEY", "length") == 25)
        #expect(vars.at("DATABASE_URL") == "postgres://app:REDACTED@pgbouncer:6432/app")
        #expect(vars.at("DERIVED_URL") == "postgres://app:REDACTED@db/app")
        #expect(vars.at("LEAKY_COPY") == "[REDACTED]")
        #expect(vars.at("PRIVATE_KEY", "redacted") == true)
        #expect(vars.at("AFTER_MULTILINE") == "yes")
        #expect(data.at("lines", "AFTER_MULTILINE") == 21)
        #expect(data.at("lines", "PRIVATE_KEY") == 18)
        #expect(data.at("lines", "DJANGO_DEBUG") == 3)
        #expect(data.at("missing") == ["MISSING_VAR"])
    }

    @Test func malformedLinesNameTheirLine() throws {
        let unterminated = try FilesFixture.failure("dotenv/malformed.env", DotenvParser.parse)
        #expect(unterminated?.line == 2)
        #expect(unterminated?.message == "unterminated double-quoted value for API_TOKEN")
        let noEquals = try FilesFixture.failure("dotenv/noequals.env", DotenvParser.parse)
        #expect(noEquals?.line == 3)
    }

    @Test func interpolatesLikeCompose() throws {
        let file = try DotenvParser.read(
            "A=1\nB=${A:+set}${C-unset}${A:-x}\nC=\nD=${C:-empty}${C-never}\n", path: ".env")
        #expect(file.value(of: "B") == "setunset1")
        #expect(file.value(of: "D") == "empty")
        #expect(throws: ConfigParseError.self) { try DotenvParser.read("A=${B:?B is required}\n", path: ".env") }
    }
}
