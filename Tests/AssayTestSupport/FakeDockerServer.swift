import Foundation

/// An HTTP peer on a unix socket that answers like a broken or hostile Docker engine: an
/// adversary, not a mock of the engine. Tests run it beside the stack's real engine, whose
/// answers must not change.
///
/// It reads each request head (at most 64 KiB; a longer one is cut off by closing the
/// connection, as a peer that gives up on an oversized request does), answers `GET /_ping` and
/// `GET /version` as an engine would, so a client can prove that an innocent call still works,
/// and answers every other request with the steps of its ``Behaviour``. Each request line is kept
/// in ``requests``.
///
/// ```swift
/// let fake = try FakeDockerServer(.chunkSizeOverflow)
/// defer { fake.stop() }
/// let docker = DockerConnector(url: fake.url)
/// ```
public final class FakeDockerServer: Sendable {
    /// What the server answers to a request other than `/_ping` and `/version`.
    public enum Behaviour: Sendable {
        /// Chunked, with a chunk size of `7fffffffffffffff`, then bytes for ever.
        case chunkSizeOverflow
        /// `Content-Length: 9223372036854775807`, then bytes for ever.
        case hugeContentLength
        /// Well-formed 32 KiB chunks for ever.
        case endlessChunked
        /// No length, the body delimited by the close that never comes.
        case endlessBody
        /// A header line that never ends.
        case endlessHeader
        /// Short header lines for ever.
        case endlessHeaders
        /// A whole, valid answer (a 200-byte JSON string), one byte every `interval`.
        case drip(every: Duration)
        /// Bytes that are no HTTP (an SSH banner), then silence.
        case garbage
        /// Reads the request and answers nothing.
        case silence
        /// Half of a sized JSON body, then the connection closed.
        case closeMidBody
        /// The connection closed as soon as the request arrived.
        case closeWithoutAnswer
        /// The first connection closed as soon as it is accepted, before the request is read
        /// (the client's write may meet a broken pipe); later ones are served.
        case closeAtOnce
        /// `application/json` that is not JSON.
        case malformedJSON
        /// `[[[…]]]`, `levels` deep.
        case deepJSON(levels: Int)
        /// `[0,0,…]` with `count` values.
        case manyValues(count: Int)
        /// A JSON object where a listing is an array, and an array where an inspect is an object.
        case wrongShape
        /// A redirect to a TCP address.
        case redirect
        /// A listing of `count` containers shaped like the engine's (about 1 KB each), chunked;
        /// `/containers/{name}/json` answers an inspect of one of them, `/info` an engine summary.
        case containers(count: Int)
    }

    public let behaviour: Behaviour
    private let listener: AdversaryListener
    private let log = CommandLog()

    /// Listens on `path` (default: a new socket under /tmp).
    public init(_ behaviour: Behaviour, path: String? = nil) throws {
        self.behaviour = behaviour
        let log = self.log
        let socketPath = path ?? "/tmp/assay-fake-docker-\(UUID().uuidString.prefix(8)).sock"
        listener = try AdversaryListener.unix(path: socketPath) { connection in
            Self.serve(connection, behaviour, log)
        }
    }

    /// `unix:///tmp/…sock`.
    public var url: String { "unix://\(listener.path)" }
    public var path: String { listener.path }
    /// How many connections the server accepted.
    public var connections: Int { listener.acceptedCount }
    /// The request lines received (`GET /containers/json?all=1 HTTP/1.1`), in order.
    public var requests: [String] { log.all.map { $0.joined() } }

    public func stop() { listener.stop() }

    // MARK: - Serving

    private static func serve(_ connection: AdversaryConnection, _ behaviour: Behaviour, _ log: CommandLog) {
        if case .closeAtOnce = behaviour, log.isFirstConnection() { return }
        // A request head longer than 64 KiB: close, and let the client's write fail.
        guard let head = connection.read(until: Array("\r\n\r\n".utf8), maximum: 64 * 1024) else { return }
        let requestLine = String(decoding: head.prefix { $0 != 13 }, as: UTF8.self)
        log.append([requestLine])
        let parts = requestLine.split(separator: " ")
        let target = parts.count > 1 ? String(parts[1]) : ""
        let path = String(target.prefix { $0 != "?" })
        let steps: [AdversaryStep]
        if path.hasSuffix("/_ping") {
            steps = [.bytes(response(200, type: "text/plain", body: Array("OK".utf8)))]
        } else if path.hasSuffix("/version") {
            steps = [.bytes(response(200, body: Array(#"{"ApiVersion":"1.41","Version":"20.10.0-fake"}"#.utf8)))]
        } else {
            steps = Self.steps(for: behaviour, path: path)
        }
        if connection.play(steps) { connection.hang() }  // Connection: close is the client's to act on
    }

    /// A whole response with a Content-Length.
    public static func response(_ status: Int, type: String = "application/json", body: [UInt8]) -> [UInt8] {
        Array("HTTP/1.1 \(status) X\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    private static func head(_ lines: String...) -> [UInt8] {
        Array(("HTTP/1.1 200 OK\r\n" + lines.map { $0 + "\r\n" }.joined() + "\r\n").utf8)
    }

    /// The answer of `behaviour` to a request for `path`.
    public static func steps(for behaviour: Behaviour, path: String) -> [AdversaryStep] {
        let json = "Content-Type: application/json"
        let chunked = "Transfer-Encoding: chunked"
        switch behaviour {
        case .chunkSizeOverflow:
            return [.bytes(head(json, chunked) + Array("7fffffffffffffff\r\n".utf8)), .forever(Array("[0,".utf8))]
        case .hugeContentLength:
            return [.bytes(head(json, "Content-Length: 9223372036854775807")), .forever(Array("[0,".utf8))]
        case .endlessChunked:
            let chunk = Array("8000\r\n".utf8) + [UInt8](repeating: UInt8(ascii: " "), count: 0x8000) + [13, 10]
            return [.bytes(head(json, chunked) + Array("1\r\n[\r\n".utf8)), .forever(chunk)]
        case .endlessBody:
            return [.bytes(head(json, "Connection: close") + Array("[".utf8)), .forever(Array("0,".utf8))]
        case .endlessHeader:
            return [.bytes(Array("HTTP/1.1 200 OK\r\nX-Endless: ".utf8)), .forever(Array("a".utf8))]
        case .endlessHeaders:
            return [.bytes(Array("HTTP/1.1 200 OK\r\n".utf8)), .forever(Array("X-A: b\r\n".utf8))]
        case .drip(let interval):
            let body = "[\"" + String(repeating: "d", count: 196) + "\"]"
            return [.drip(response(200, body: Array(body.utf8)), every: interval)]
        case .garbage:
            return [.bytes(Array("SSH-2.0-OpenSSH_9.2p1\r\n".utf8)), .hang]
        case .silence:
            return [.hang]
        case .closeMidBody:
            return [.bytes(head(json, "Content-Length: 100") + Array(#"[{"Id":"abc","#.utf8)), .close]
        case .closeWithoutAnswer:
            return [.close]
        case .closeAtOnce:
            return [.bytes(response(200, body: Array("[]".utf8)))]
        case .malformedJSON:
            return [.bytes(response(200, body: Array(#"[{"Id": "abc", "Names": ["/x"], "State": runn"#.utf8)))]
        case .deepJSON(let levels):
            let body = String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
            return [.bytes(response(200, body: Array(body.utf8)))]
        case .manyValues(let count):
            let body = count == 0 ? "[]" : "[" + String(repeating: "0,", count: count - 1) + "0]"
            return [.bytes(response(200, body: Array(body.utf8)))]
        case .wrongShape:
            let listing = path.hasSuffix("/containers/json") || path.hasSuffix("/networks")
            return [.bytes(response(200, body: Array((listing ? #"{"message":"not a list"}"# : "[1,2,3]").utf8)))]
        case .redirect:
            return [
                .bytes(
                    Array(
                        "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/containers/json\r\nContent-Length: 0\r\n\r\n"
                            .utf8))
            ]
        case .containers(let count):
            if path.hasSuffix("/containers/json") {
                return [.bytes(head(json, chunked)), .bytes(chunkedBody(containerListing(count: count)))]
            }
            if path.hasPrefix("/containers/"), path.hasSuffix("/json") {
                let name = path.dropFirst("/containers/".count).dropLast("/json".count)
                // By name (`shop-web-4`) or by id, whose first 8 hex digits are the index.
                let number = name.count == 64 ? Int(name.prefix(8), radix: 16) : Int(name.split(separator: "-").last ?? "")
                guard let index = number, (0..<count).contains(index) else {
                    return [.bytes(response(404, body: Array(#"{"message":"No such container"}"#.utf8)))]
                }
                return [.bytes(response(200, body: containerInspect(index: index)))]
            }
            if path.hasSuffix("/info") {
                let info = #"{"Containers":\#(count),"ContainersRunning":\#(count - (count + 8) / 9),"Driver":"vfs","#
                    + #""ServerVersion":"20.10.0-fake","SecurityOptions":["name=seccomp,profile=default"]}"#
                return [.bytes(response(200, body: Array(info.utf8)))]
            }
            return [.bytes(response(404, body: Array(#"{"message":"page not found"}"#.utf8)))]
        }
    }

    /// `/containers/{name}/json` for container `index` of ``containerListing(count:)``, shaped like
    /// the engine's inspect (about 1.5 KB).
    public static func containerInspect(index i: Int) -> [UInt8] {
        let service = ["web", "worker", "cache", "db"][i % 4]
        let running = i % 9 != 0
        let inspect = """
            {"Id":"\(containerID(i))","Name":"/shop-\(service)-\(i)","Created":"2024-01-01T00:00:00Z","Path":"/bin/sleep",\
            "Args":["100000"],"State":{"Status":"\(running ? "running" : "exited")","Running":\(running),"OOMKilled":false,\
            "Restarting":false,"ExitCode":0,"Health":{"Status":"healthy","FailingStreak":0}},"RestartCount":0,\
            "Image":"sha256:\(hex(i % 50, 2))","HostConfig":{"Privileged":false,"NetworkMode":"none","PidMode":"",\
            "IpcMode":"private","UTSMode":"","Memory":268435456,"NanoCpus":500000000,"PidsLimit":256,\
            "ReadonlyRootfs":true,"CapAdd":null,"CapDrop":["ALL"],"SecurityOpt":["no-new-privileges:true"],\
            "RestartPolicy":{"Name":"unless-stopped","MaximumRetryCount":0},"PortBindings":{}},\
            "Mounts":[{"Type":"volume","Name":"shop_\(service)_data","Source":"/var/lib/docker/volumes/shop_\(service)_data/_data",\
            "Destination":"/data","Driver":"local","Mode":"z","RW":true,"Propagation":""}],\
            "Config":{"Hostname":"\(hex(i, 1).prefix(12))","User":"1000","Env":["PATH=/usr/bin:/bin","SERVICE=\(service)"],\
            "Cmd":["/bin/sleep","100000"],"Image":"registry.example.com/shop/\(service):1.\(i % 7)",\
            "Healthcheck":{"Test":["CMD","/bin/true"],"Interval":30000000000},\
            "Labels":{"com.docker.compose.project":"shop","com.docker.compose.service":"\(service)"}},\
            "NetworkSettings":{"Networks":{"none":{"NetworkID":"\(hex(7, 3))","EndpointID":"\(hex(i, 4))","IPAddress":""}}}}
            """
        return Array(inspect.utf8)
    }

    /// The id of container `index`: 64 hex digits, the first 8 of them the index.
    private static func containerID(_ index: Int) -> String {
        let prefix = String(index, radix: 16)
        return String(repeating: "0", count: 8 - prefix.count) + prefix + hex(index, 1).dropFirst(8)
    }

    /// 64 hex digits that depend on `seed` and `salt` only.
    private static func hex(_ seed: Int, _ salt: Int) -> String {
        var x = UInt64(truncatingIfNeeded: seed &* 2_654_435_761 &+ salt &* 40503)
        var out = ""
        for _ in 0..<4 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let digits = String(x, radix: 16)
            out += String(repeating: "0", count: 16 - digits.count) + digits
        }
        return out
    }

    /// `body` as 32 KiB chunks and the last, empty one.
    public static func chunkedBody(_ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count + body.count / 4096 + 16)
        var start = 0
        while start < body.count {
            let end = min(body.count, start + 0x8000)
            out += Array(String(end - start, radix: 16).utf8) + [13, 10]
            out += body[start..<end]
            out += [13, 10]
            start = end
        }
        return out + Array("0\r\n\r\n".utf8)
    }

    /// A `/containers/json?all=1` answer for `count` containers, each shaped like what the engine
    /// sends for a compose service (about 1 KB), deterministic.
    public static func containerListing(count: Int) -> [UInt8] {
        var body = Array("[".utf8)
        body.reserveCapacity(count * 1100)
        for i in 0..<count {
            let service = ["web", "worker", "cache", "db"][i % 4]
            let item = """
                {"Id":"\(containerID(i))","Names":["/shop-\(service)-\(i)"],"Image":"registry.example.com/shop/\(service):1.\(i % 7)",\
                "ImageID":"sha256:\(hex(i % 50, 2))","Command":"/bin/sleep 100000","Created":\(1_700_000_000 + i),\
                "Ports":[{"PrivatePort":8080,"Type":"tcp"}],\
                "Labels":{"com.docker.compose.project":"shop","com.docker.compose.service":"\(service)",\
                "com.docker.compose.container-number":"\(i)","com.docker.compose.version":"2.24.0"},\
                "State":"\(i % 9 == 0 ? "exited" : "running")","Status":"Up 2 hours",\
                "HostConfig":{"NetworkMode":"none"},"NetworkSettings":{"Networks":{"none":{"IPAMConfig":null,\
                "Links":null,"Aliases":null,"NetworkID":"\(hex(7, 3))","EndpointID":"\(hex(i, 4))",\
                "Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"",\
                "GlobalIPv6PrefixLen":0,"MacAddress":"","DriverOpts":null}}},\
                "Mounts":[{"Type":"volume","Name":"shop_\(service)_data","Source":"/var/lib/docker/volumes/shop_\(service)_data/_data",\
                "Destination":"/data","Driver":"local","Mode":"z","RW":true,"Propagation":""}]}
                """
            if i > 0 { body.append(UInt8(ascii: ",")) }
            body += Array(item.utf8)
        }
        body.append(UInt8(ascii: "]"))
        return body
    }
}
