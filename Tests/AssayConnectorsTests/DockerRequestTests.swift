import AssayCore
import Testing

@testable import AssayConnectors

/// The Docker connector's pure parts: the path allowlist and redaction.
@Suite("Docker request parsing")
struct DockerRequestTests {
    // MARK: - Paths

    @Test func readOnlyPathsBecomeRequests() throws {
        let cases: [(String, DockerRequest.Resource, String)] = [
            ("/_ping", .ping, "/_ping"),
            ("/v1.41/containers/json?all=1", .containers, "/v1.41/containers/json?all=1"),
            ("/containers/json?all=true&limit=3&size=0", .containers, "/containers/json?all=true&limit=3&size=0"),
            ("/containers/assay-web/json", .container("assay-web"), "/containers/assay-web/json"),
            ("/images/assay/busybox:1/json", .image("assay/busybox:1"), "/images/assay/busybox:1/json"),
            (
                "/images/registry:5000/team/app:2.1/json", .image("registry:5000/team/app:2.1"),
                "/images/registry:5000/team/app:2.1/json"
            ),
            ("/networks/none", .network("none"), "/networks/none"),
            ("/system/df", .systemDF, "/system/df"),
            ("/volumes", .volumes, "/volumes"),
        ]
        for (path, resource, target) in cases {
            let request = try DockerRequest(path: path)
            #expect(request.resource == resource, "\(path)")
            #expect(request.target == target, "\(path)")
        }
        let filtered = try DockerRequest(path: #"/containers/json?filters={"status":["created"]}"#)
        #expect(filtered.target == "/containers/json?filters=%7B%22status%22%3A%5B%22created%22%5D%7D")
        let encoded = try DockerRequest(path: "/containers/json?filters=%7B%22label%22%3A%5B%22a%3Db%22%5D%7D")
        #expect(encoded.query.first?.value == #"{"label":["a=b"]}"#)
    }

    @Test func everythingElseIsRefused() {
        for path in [
            "", "info", "/", "/containers", "/containers/create", "/containers/x/start", "/containers/x/json/",
            "/containers//json", "/../info", "/./info", "/info/..", "/v1.41/../info", "/containers/a..b/json",
            "/containers/%2e%2e/json", "/containers/x y/json", "/images/json/../x", "/images/json?x=1",
            "/containers/json?all=maybe", "/containers/json?limit=x", "/containers/json?filters=[1]",
            "/containers/json?filters=%zz", "/info?x=1", "/networks/a/b", "/exec/x/json", "/v1/info", "/vx.1/info",
            "/containers/x/logs", "/containers/x/archive", "/distribution/x/json", "/plugins", "/secrets", "/configs",
        ] {
            do {
                _ = try DockerRequest(path: path)
                Issue.record("\(path) accepted")
            } catch {
                #expect(error.kind == .refused, "\(path)")
            }
        }
        #expect(DockerRequest.validIdentifier("assay/busybox:1", allowSlash: true))
        #expect(!DockerRequest.validIdentifier("a/b", allowSlash: false))
        #expect(!DockerRequest.validIdentifier("../x", allowSlash: true))
        #expect(!DockerRequest.validIdentifier("", allowSlash: true))
        #expect(!DockerRequest.validIdentifier("x?y", allowSlash: true))
    }

    // MARK: - Redaction

    @Test func environmentAndCommandLinesLoseSecrets() {
        let inspect: JSONValue = [
            "Args": ["--requirepass", "s3cret-arg", "--port", "6379"],
            "Config": [
                "Env": [
                    "POSTGRES_PASSWORD=postgres", "API_TOKEN=tok-123456789", "DATABASE_URL=postgres://u:urlpw@db/app",
                    "PATH=/usr/bin", "PASSWORD_FILE=/run/secrets/pw", "NOVALUE",
                ],
                "Cmd": ["redis-server", "--requirepass=s3cret-eq", "redis://:inline@h:1"],
                "Entrypoint": nil,
            ],
        ]
        let out = DockerRedaction.redact(inspect, for: .container("x"))
        let text = JSONWriter().string(out)
        for secret in ["s3cret-arg", "s3cret-eq", "tok-123456789", "urlpw", "inline", "=postgres\""] {
            #expect(!text.contains(secret), "\(secret)")
        }
        #expect(
            out["Config"]?["Env"] == [
                "POSTGRES_PASSWORD=<redacted>", "API_TOKEN=<redacted>", "DATABASE_URL=postgres://u:REDACTED@db/app",
                "PATH=/usr/bin", "PASSWORD_FILE=/run/secrets/pw", "NOVALUE",
            ])
        #expect(out["Config"]?["SecretEnv"]?["POSTGRES_PASSWORD"]?["weak"] == true)
        #expect(out["Config"]?["SecretEnv"]?["DATABASE_URL"] == SecretRedaction.describe("urlpw"))
        #expect(out["Config"]?["SecretEnv"]?["PATH"] == nil)
        #expect(out["Config"]?["Cmd"] == ["redis-server", "--requirepass=[REDACTED]", "redis://:REDACTED@h:1"])
        #expect(out["Args"] == ["--requirepass", "[REDACTED]", "--port", "6379"])

        let listing = DockerRedaction.redact(
            [["Command": "redis-server --requirepass hidden-one --port 1"]], for: .containers)
        #expect(listing == [["Command": "redis-server --requirepass [REDACTED] --port 1"]])
        let info = DockerRedaction.redact(["HttpProxy": "http://user:proxypw@proxy:3128"], for: .info)
        #expect(info["HttpProxy"] == "http://user:REDACTED@proxy:3128")
    }

    @Test func commandLinesAreScrubbedLikeConfigurationFiles() {
        let inspect: JSONValue = [
            "Path": "redis-cli",
            "Args": ["-a", "args-pw", "ping"],
            "Config": [
                "Cmd": ["redis-cli", "-a", "cmd-pw", "ping"],
                "Entrypoint": ["psql", "--no-password", "-h", "db"],
                "Healthcheck": ["Test": ["CMD-SHELL", "redis-cli -a health-pw ping"], "Interval": 1_000_000_000],
            ],
            "ContainerConfig": [
                "Cmd": ["redis-server", "--requirepass", "two words here"],
                "Healthcheck": ["Test": ["CMD", "app", "--api-key", "K3Y-cmd", "--access-key=K3Y-eq"]],
            ],
        ]
        let out = DockerRedaction.redact(inspect, for: .image("x"))
        let text = JSONWriter().string(out)
        for secret in ["args-pw", "cmd-pw", "health-pw", "two words", "K3Y"] {
            #expect(!text.contains(secret), "\(secret)")
        }
        #expect(out["Args"] == ["-a", "[REDACTED]", "ping"])
        #expect(out["Config"]?["Cmd"] == ["redis-cli", "-a", "[REDACTED]", "ping"])
        #expect(out["Config"]?["Entrypoint"] == ["psql", "--no-password", "-h", "db"])
        #expect(out["Config"]?["Healthcheck"]?["Test"] == ["CMD-SHELL", "redis-cli -a [REDACTED] ping"])
        #expect(out["Config"]?["Healthcheck"]?["Interval"] == 1_000_000_000)
        #expect(out["ContainerConfig"]?["Cmd"] == ["redis-server", "--requirepass", "[REDACTED]"])
        #expect(
            out["ContainerConfig"]?["Healthcheck"]?["Test"]
                == ["CMD", "app", "--api-key", "[REDACTED]", "--access-key=[REDACTED]"])

        let listing = DockerRedaction.redact(
            [["Command": "redis-cli -a list-pw ping"], ["Command": "psql --no-password -h db"]], for: .containers)
        #expect(listing == [["Command": "redis-cli -a [REDACTED] ping"], ["Command": "psql --no-password -h db"]])
    }
}
