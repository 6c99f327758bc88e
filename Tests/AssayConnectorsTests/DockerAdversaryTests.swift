import AssayCore
import AssayTestSupport
import Foundation
import Testing

@testable import AssayConnectors

/// The Docker connector against ``FakeDockerServer`` peers that speak HTTP badly, one behaviour
/// per case, each beside the stack's real engine, whose answers must not change. Every call ends
/// within its deadline, fails with the kind that says what happened, and the next, innocent call
/// on the same connector succeeds.
@Suite("Docker adversaries")
struct DockerAdversaryTests {
    let stack: LiveStack

    init() throws {
        stack = try LiveStack.current()
    }

    /// The real engine, asked for what nothing in the tests changes.
    private var healthy: @Sendable () throws -> JSONValue {
        let url = try! stack.dockerURL
        return {
            let docker = DockerConnector(url: url)
            let web = try docker.call("container", ["assay-web"], deadline: .after(.seconds(5)))
            let version = try docker.call("version", [], deadline: .after(.seconds(5)))
            return [
                "id": web["Id"] ?? .null, "user": web["Config"]?["User"] ?? .null,
                "memory": web["HostConfig"]?["Memory"] ?? .null, "api": version["ApiVersion"] ?? .null,
            ]
        }
    }

    /// One hostile behaviour and what the connector must make of it.
    struct Case: Sendable, CustomTestStringConvertible {
        let behaviour: FakeDockerServer.Behaviour
        let kind: ConnectorError.Kind
        /// The message holds this, or one of ``alternatives`` (a close races the client's write).
        let message: String
        let name: String
        var alternatives: [String] = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            behaviour: .chunkSizeOverflow, kind: .failed, message: "reply larger than 16 MiB (limits.reply_max_mb)",
            name: "chunk size 7fffffffffffffff"),
        Case(
            behaviour: .hugeContentLength, kind: .failed, message: "reply larger than 16 MiB (limits.reply_max_mb)",
            name: "huge Content-Length"),
        Case(behaviour: .endlessChunked, kind: .failed, message: "reply larger than 16 MiB (limits.reply_max_mb)", name: "endless chunks"),
        Case(behaviour: .endlessBody, kind: .failed, message: "reply larger than 16 MiB (limits.reply_max_mb)", name: "endless body"),
        Case(behaviour: .endlessHeader, kind: .failed, message: "headers are larger than libcurl reads", name: "endless header line"),
        Case(behaviour: .endlessHeaders, kind: .failed, message: "GET /containers/json failed", name: "endless headers"),
        Case(behaviour: .drip(every: .milliseconds(100)), kind: .timeout, message: "deadline passed during GET /containers/json", name: "drip"),
        Case(behaviour: .silence, kind: .timeout, message: "deadline passed during GET /containers/json", name: "silence"),
        Case(behaviour: .garbage, kind: .failed, message: "the answer is not HTTP", name: "garbage"),
        Case(behaviour: .closeMidBody, kind: .failed, message: "the connection closed in the middle of the answer", name: "close mid-body"),
        Case(behaviour: .closeWithoutAnswer, kind: .failed, message: "the connection closed without an answer", name: "close without answer"),
        Case(
            behaviour: .closeAtOnce, kind: .failed, message: "the connection closed without an answer",
            name: "close at once",
            alternatives: ["the request could not be sent", "the connection was closed as soon as it was made", "Recv failure"]),
        Case(behaviour: .malformedJSON, kind: .failed, message: "GET /containers/json: malformed JSON (45 bytes", name: "malformed JSON"),
        Case(
            behaviour: .deepJSON(levels: 100_000), kind: .failed,
            message: "GET /containers/json: reply nested deeper than 64 levels (limits.reply_max_depth)", name: "deep JSON"),
        Case(
            behaviour: .manyValues(count: 2_000_000), kind: .failed,
            message: "GET /containers/json: reply holds more than 1000000 values (limits.reply_max_elements)",
            name: "two million values"),
        Case(
            behaviour: .wrongShape, kind: .failed,
            message: "GET /containers/json answered an object where the engine sends an array", name: "wrong shape"),
        Case(
            behaviour: .redirect, kind: .failed, message: "GET /containers/json answered 302, which Assay does not follow",
            name: "redirect"),
    ]

    @Test(arguments: cases)
    func hostileAnswerFailsOnlyItsCall(_ adversary: Case) throws {
        let fake = try FakeDockerServer(adversary.behaviour)
        defer { fake.stop() }
        let docker = DockerConnector(url: fake.url)
        let deadline = 1.5
        Adversary.beside(healthy: healthy) {
            let (error, seconds) = Adversary.failure { () throws(ConnectorError) in
                try docker.call("containers", [], deadline: .after(.milliseconds(Int64(deadline * 1000))))
            }
            #expect(error?.kind == adversary.kind, "\(String(describing: error))")
            let message = error?.message ?? ""
            #expect(([adversary.message] + adversary.alternatives).contains { message.contains($0) }, "\(message)")
            #expect(message.count < 400, "a short message")
            #expect(error?.message.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } == true)
            #expect(seconds < deadline + 0.5, "took \(seconds) s")
            if adversary.kind == .timeout { #expect(seconds >= deadline - 0.05, "took \(seconds) s") }
            let ping = try? docker.call("get", ["/_ping"], deadline: .after(.seconds(2)))
            #expect(ping == "OK", "the next, innocent call succeeds")
        }
        let sent = fake.requests.filter { $0.contains("/containers/json") }.count
        #expect(sent == (adversary.name == "close at once" ? 0 : 1), "sent once, never retried: \(fake.requests)")
        #expect(!fake.requests.contains { $0.contains("127.0.0.1:9") }, "no redirect followed")
    }

    // MARK: - Requests Assay refuses to send

    @Test func oversizedFiltersAreRefusedBeforeSendingAndTheTargetStaysUsable() throws {
        let docker = DockerConnector(url: try stack.dockerURL)
        let label = String(repeating: "x", count: 7_000)
        let fits = #"/containers/json?all=1&filters={"label":["assay.nothing=\#(label)"]}"#
        let answer = try docker.call("get", [.string(fits)], deadline: .after(.seconds(5)))
        #expect(answer == [], "a long filters value that fits is sent and answered")

        let tooLong = #"/containers/json?all=1&filters={"label":["assay.nothing=\#(label)\#(label)"]}"#
        let (error, seconds) = Adversary.failure { () throws(ConnectorError) in
            try docker.call("get", [.string(tooLong)], deadline: .after(.seconds(5)))
        }
        #expect(error?.kind == .refused)
        #expect(error?.message.contains("the request is longer than 8 KiB") == true, "\(String(describing: error))")
        #expect(seconds < 0.05)
        // Percent-encoding can triple a target that was short enough as given.
        let escaped = #"/containers/json?all=1&filters={"label":["\#(String(repeating: " ", count: 3_000))"]}"#
        let (encoded, _) = Adversary.failure { () throws(ConnectorError) in
            try docker.call("get", [.string(escaped)], deadline: .after(.seconds(5)))
        }
        #expect(encoded?.kind == .refused, "\(String(describing: encoded))")
        #expect(try docker.call("get", ["/_ping"], deadline: .after(.seconds(5))) == "OK")
    }

    @Test func proxiesInTheEnvironmentAreIgnored() throws {
        let proxy = try SilentListener.tcp()
        defer { proxy.stop() }
        var environment = ProcessInfo.processInfo.environment
        for name in ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"] {
            environment[name] = "http://127.0.0.1:\(proxy.port)"
        }
        environment["no_proxy"] = nil
        environment["NO_PROXY"] = nil
        let (outcome, _) = try Adversary.callInChild(
            "docker", url: try stack.dockerURL, ["version"], deadlineMS: 3000, environment: environment)
        #expect(outcome.hasPrefix("ok "), "\(outcome)")
        #expect(proxy.acceptedCount == 0, "the proxy was asked")
    }

    // MARK: - Caps

    @Test func capsFollowTheConfiguredLimits() throws {
        let options = ConnectorOptions(replyLimits: ReplyLimits(bytes: 256 << 10, elements: 1000, depth: 3))
        for (behaviour, message) in [
            (FakeDockerServer.Behaviour.containers(count: 300), "reply larger than 256 KiB (limits.reply_max_mb)"),
            (.manyValues(count: 1001), "reply holds more than 1000 values (limits.reply_max_elements)"),
            (.deepJSON(levels: 4), "reply nested deeper than 3 levels (limits.reply_max_depth)"),
        ] {
            let fake = try FakeDockerServer(behaviour)
            defer { fake.stop() }
            let (error, _) = Adversary.failure { () throws(ConnectorError) in
                try DockerConnector(url: fake.url, options: options).call("containers", [], deadline: .after(.seconds(5)))
            }
            #expect(error?.kind == .failed)
            #expect(error?.message.hasSuffix(message) == true, "\(String(describing: error))")
        }
        let fake = try FakeDockerServer(.manyValues(count: 999))
        defer { fake.stop() }
        let listing = try DockerConnector(url: fake.url, options: options).call("containers", [], deadline: .after(.seconds(5)))
        #expect(listing.arrayValue?.count == 999, "a reply at the cap is read")
    }

    @Test func tenThousandContainersAreReadWhole() throws {
        let fake = try FakeDockerServer(.containers(count: 10_000))
        defer { fake.stop() }
        let docker = DockerConnector(url: fake.url)
        let listing = try #require(try docker.call("containers", [], deadline: .after(.seconds(10))).arrayValue)
        #expect(listing.count == 10_000)
        #expect(listing[9_999]["Names"] == ["/shop-db-9999"])
        let inspect = try docker.call("container", ["shop-web-4"], deadline: .after(.seconds(5)))
        #expect(inspect["HostConfig"]?["Memory"] == 268_435_456)
    }

    // MARK: - Memory

    @Test(arguments: [
        FakeDockerServer.Behaviour.chunkSizeOverflow, .endlessChunked, .endlessBody, .endlessHeaders, .containers(count: 10_000),
    ])
    func endlessStreamsKeepTheProcessUnder300MB(_ behaviour: FakeDockerServer.Behaviour) throws {
        let fake = try FakeDockerServer(behaviour)
        defer { fake.stop() }
        let (outcome, peak) = try Adversary.callInChild("docker", url: fake.url, ["containers"], deadlineMS: 5000)
        #expect(peak < 300, "peak RSS \(peak) MiB (\(outcome))")
        if case .containers = behaviour {
            #expect(outcome.hasPrefix("ok "), "\(outcome)")
        } else {
            #expect(outcome.hasPrefix("failed "), "\(outcome)")
        }
    }
}
