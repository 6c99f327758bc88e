import AssayCore
import AssayTestSupport
import Foundation
import Testing

@testable import AssayConnectors

/// The Docker connector against the stack's real dockerd 20.10 (containers `assay-web`,
/// `assay-unhealthy`, `assay-privileged`, `assay-docker-sock`; image `assay/busybox:1`).
@Suite("Docker connector")
struct DockerConnectorTests {
    let stack: LiveStack
    let docker: DockerConnector

    init() throws {
        stack = try LiveStack.current()
        docker = DockerConnector(url: try stack.dockerURL)
    }

    private func get(_ operation: String, _ arguments: [JSONValue] = []) throws -> JSONValue {
        try docker.call(operation, arguments, deadline: .after(.seconds(10)))
    }

    private func failure(
        on connector: DockerConnector? = nil, _ operation: String, _ arguments: [JSONValue],
        deadline: Deadline = .after(.seconds(10))
    ) -> (error: ConnectorError?, seconds: Double) {
        let start = Deadline.monotonicNanoseconds()
        var caught: ConnectorError?
        do { _ = try (connector ?? docker).call(operation, arguments, deadline: deadline) } catch { caught = error }
        return (caught, Double(Deadline.monotonicNanoseconds() - start) / 1e9)
    }

    // MARK: - Engine

    @Test func versionInfoAndPing() throws {
        let version = try get("version")
        #expect(version["ApiVersion"]?.stringValue?.hasPrefix("1.") == true)
        #expect(version["Version"]?.stringValue?.isEmpty == false)
        let info = try get("info")
        #expect((info["Containers"]?.intValue ?? 0) >= 4)
        #expect(info["Driver"] == "vfs")
        #expect(try get("get", ["/_ping"]) == "OK")
        #expect(try get("get", ["/v1.41/version"])["ApiVersion"] == version["ApiVersion"])
        #expect(try get("get", ["/system/df"])["Containers"]?.arrayValue != nil)
        #expect(try get("get", ["/volumes"])["Volumes"] != nil)
        #expect(docker.address == (try stack.dockerURL))
    }

    @Test func containersListsCreatedOnesToo() throws {
        let containers = try #require(try get("containers").arrayValue)
        var states: [String: String] = [:]
        for container in containers {
            for name in container["Names"]?.arrayValue ?? [] {
                states[name.stringValue ?? ""] = container["State"]?.stringValue
            }
        }
        #expect(states["/assay-web"] == "running")
        #expect(states["/assay-unhealthy"] == "running")
        #expect(states["/assay-privileged"] == "created")
        #expect(states["/assay-docker-sock"] == "created")
        let filtered = try get("get", [#"/containers/json?all=1&filters={"status":["created"]}"#])
        let names = Set((filtered.arrayValue ?? []).flatMap { $0["Names"]?.arrayValue ?? [] })
        #expect(names.contains("/assay-privileged"))
        #expect(!names.contains("/assay-web"))
    }

    @Test func inspectShowsPrivilegeUserMountsAndLimits() throws {
        let privileged = try get("container", ["assay-privileged"])
        #expect(privileged["HostConfig"]?["Privileged"] == true)
        #expect(privileged["Config"]?["SecretEnv"] == .object([:]))

        let web = try get("container", ["/assay-web"])
        #expect(web["Config"]?["User"] == "1000")
        #expect(web["HostConfig"]?["Privileged"] == false)
        #expect((web["HostConfig"]?["Memory"]?.intValue ?? 0) > 0)
        #expect(web["State"]?["Health"]?["Status"] == "healthy")

        let socketMounted = try get("get", ["/containers/assay-docker-sock/json"])
        let sources = (socketMounted["Mounts"]?.arrayValue ?? []).compactMap { $0["Destination"]?.stringValue }
        #expect(sources.contains("/var/run/docker.sock"))
    }

    @Test func unhealthyContainerTurnsUnhealthy() throws {
        let start = Date()
        var status: JSONValue?
        while Date().timeIntervalSince(start) < 15 {
            status = try get("container", ["assay-unhealthy"])["State"]?["Health"]?["Status"]
            if status == "unhealthy" { break }
            Thread.sleep(forTimeInterval: 0.25)
        }
        #expect(status == "unhealthy")
    }

    @Test func imageAndNetworks() throws {
        let imageName = try stack.dockerImage
        let image = try get("image", [.string(imageName)])
        #expect(image["RepoTags"]?.arrayValue?.contains(.string(imageName)) == true)
        #expect(image["Config"]?["Cmd"] == ["/bin/sleep", "100000"])
        #expect(try get("get", [.string("/images/\(imageName)/json")])["Id"] == image["Id"])
        #expect((try get("get", ["/images/json"]).arrayValue?.count ?? 0) >= 1)

        let networks = try #require(try get("networks").arrayValue)
        let names = networks.compactMap { $0["Name"]?.stringValue }
        #expect(names.contains("none"))
        let none = try #require(networks.first { $0["Name"] == "none" })
        let id = try #require(none["Id"]?.stringValue)
        #expect(try get("get", [.string("/networks/\(id)")])["Name"] == "none")
    }

    // MARK: - Refusals and errors

    @Test func onlyReadOnlyPathsAreSent() throws {
        for path in [
            "/containers/create", "/../info", "/info/../containers/json", "/containers/assay-web/start",
            "/containers/assay-web/exec", "/containers/assay-web", "/images/create", "/build", "/containers/prune",
            "/containers/json?all=1&x=1", "/containers/json?filters=notjson", "/images/x/history", "/secrets",
            "/containers/a%2F..%2Finfo/json", "info", "/v1.41/../info", "/exec/abc/start", "/swarm",
            "/networks/x/connect", "/auth", "/session",
        ] {
            let (error, seconds) = failure("get", [.string(path)])
            #expect(error?.kind == .refused, "\(path): \(String(describing: error))")
            #expect(seconds < 0.05)
        }
        for (operation, arguments) in [
            ("container", ["../info"]), ("container", ["a/b"]), ("image", ["x/../y"]), ("post", ["/info"]),
            ("get", []), ("container", []),
        ] as [(String, [JSONValue])] {
            #expect(failure(operation, arguments).error?.kind == .refused, "\(operation) \(arguments)")
        }
    }

    @Test func missingThingsAreDenied() throws {
        let (container, _) = failure("container", ["assay-does-not-exist"])
        #expect(container?.kind == .denied)
        #expect(container?.message.contains("no such container: assay-does-not-exist") == true)
        let (image, _) = failure("image", ["assay/none:9"])
        #expect(image?.kind == .denied)
        #expect(image?.message.contains("no such image: assay/none:9") == true)
    }

    @Test func environmentSecretsAreDescribedNeverShown() throws {
        let password = "pg-\(UUID().uuidString)"
        let urlPassword = "url-\(UUID().uuidString)"
        let flagPassword = "flag-\(UUID().uuidString)"
        let name = "assay-secret-\(UUID().uuidString.prefix(8).lowercased())"
        try DockerCLI.run(
            stack,
            [
                "create", "--name", name, "--network", "none",
                "-e", "POSTGRES_PASSWORD=\(password)", "-e", "DATABASE_URL=postgres://app:\(urlPassword)@db:5432/app",
                "-e", "POSTGRES_USER=app", "-e", "EMPTY_TOKEN=",
                try stack.dockerImage, "/bin/sleep", "--requirepass", flagPassword,
            ])
        defer { _ = try? DockerCLI.run(stack, ["rm", "-f", name]) }

        let inspect = try get("container", [.string(name)])
        let listing = try get("containers")
        for answer in [inspect, listing] {
            let text = JSONWriter().string(answer)
            let leaked = [password, urlPassword, flagPassword].filter { text.contains($0) }.count
            #expect(leaked == 0, "\(leaked) of the three secrets appear in the answer")
        }
        let config = try #require(inspect["Config"])
        let env = (config["Env"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(env.contains("POSTGRES_PASSWORD=<redacted>"))
        #expect(env.contains("DATABASE_URL=postgres://app:REDACTED@db:5432/app"))
        #expect(env.contains("POSTGRES_USER=app"))
        let secrets = try #require(config["SecretEnv"])
        #expect(secrets["POSTGRES_PASSWORD"]?["set"] == true)
        #expect(secrets["POSTGRES_PASSWORD"]?["length"] == .int(Int64(password.count)))
        #expect(secrets["POSTGRES_PASSWORD"]?["weak"] == false)
        #expect(secrets["DATABASE_URL"]?["length"] == .int(Int64(urlPassword.count)))
        #expect(secrets["EMPTY_TOKEN"]?["set"] == false)
        #expect(secrets["POSTGRES_USER"] == nil)
        #expect(config["Cmd"] == ["/bin/sleep", "--requirepass", "[REDACTED]"])
    }

    @Test func healthcheckAndCommandSecretsAreNeverShown() throws {
        let secret = "cli-\(UUID().uuidString)"
        let name = "assay-cli-secret-\(UUID().uuidString.prefix(8).lowercased())"
        try DockerCLI.run(
            stack,
            [
                "create", "--name", name, "--network", "none", "--health-cmd", "redis-cli -a \(secret) ping",
                try stack.dockerImage, "redis-cli", "-a", secret,
            ])
        defer { _ = try? DockerCLI.run(stack, ["rm", "-f", name]) }

        let inspect = try get("container", [.string(name)])
        let listing = try get("containers")
        // Booleans only: a failed expectation prints its operands.
        let inInspect = JSONWriter().string(inspect).contains(secret)
        let inListing = JSONWriter().string(listing).contains(secret)
        #expect(!inInspect, "the secret appears in the inspect answer")
        #expect(!inListing, "the secret appears in the listing")
        #expect(inspect["Config"]?["Healthcheck"]?["Test"] == ["CMD-SHELL", "redis-cli -a [REDACTED] ping"])
        #expect(inspect["Config"]?["Cmd"] == ["redis-cli", "-a", "[REDACTED]"])
        #expect(inspect["Args"] == ["-a", "[REDACTED]"])
    }

    @Test func missingSocketIsUnreachable() throws {
        let missing = DockerConnector(url: "unix:///tmp/assay-no-such-dir-\(UUID().uuidString)/docker.sock")
        let (error, seconds) = failure(on: missing, "version", [])
        #expect(error?.kind == .unreachable)
        #expect(error?.message.contains("cannot connect (No such file or directory)") == true, "\(String(describing: error))")
        #expect(seconds < 0.1)
        let bare = DockerConnector(url: "/tmp/assay-none-\(UUID().uuidString).sock")
        #expect(failure(on: bare, "info", []).error?.kind == .unreachable)
        #expect(failure(on: DockerConnector(url: "tcp://127.0.0.1:2375"), "info", []).error?.kind == .failed)
    }

    @Test func silentListenerTimesOutAtTheDeadline() throws {
        let listener = try SilentListener.unix(path: "/tmp/assay-silent-\(UUID().uuidString.prefix(8)).sock")
        defer { listener.stop() }
        let silent = DockerConnector(url: listener.address)
        let (error, seconds) = failure(on: silent, "get", ["/_ping"], deadline: .after(.milliseconds(600)))
        #expect(error?.kind == .timeout, "\(String(describing: error))")
        #expect(seconds >= 0.55 && seconds < 1.6, "took \(seconds) s")
    }
}

/// The docker CLI, for setting up state the read-only connector cannot create.
enum DockerCLI {
    @discardableResult
    static func run(_ stack: LiveStack, _ arguments: [String]) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["DOCKER_HOST"] = try stack.dockerURL
        let result = try Program.run("/usr/bin/env", ["docker"] + arguments, environment: environment, errorsToOutput: true)
        guard result.status == 0 else {
            throw TestFailure("docker \(arguments.first ?? "") failed: \(result.stdout.prefix(300))")
        }
        return result.stdout
    }
}
