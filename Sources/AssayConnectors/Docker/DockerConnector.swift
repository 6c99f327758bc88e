import AssayCore

/// Reads the Docker engine through its HTTP API on the unix socket, with `GET` only.
///
/// Operations:
/// - `get [path]`: any of the read-only endpoints of ``DockerRequest`` (`/version`, `/info`,
///   `/containers/json?all=1`, `/containers/{id}/json`, `/images/{name}/json`, `/networks`, …);
///   anything else is refused before a byte is sent.
/// - `version`, `info`, `containers` (all of them, stopped and created too), `container [id]`,
///   `image [name]`, `networks`: shorthands for the same.
///
/// Answers are decoded JSON, with secrets removed by ``DockerRedaction`` (container environments
/// gain `Config.SecretEnv`). An HTTP status of 400 or more is ``ConnectorError/Kind/denied``.
///
/// HTTP is libcurl's (``UnixSocketHTTP``): one connection per request, no redirects, no proxies.
/// Each answer is bounded while it arrives by ``ConnectorOptions/replyLimits`` (bytes in the
/// transfer, values and nesting in the JSON parser); an answer over a cap, a broken pipe, a close
/// mid-answer or bytes that are not HTTP fail that call with ``ConnectorError/Kind/failed``, and
/// only a socket that cannot be connected to is ``ConnectorError/Kind/unreachable``.
///
/// ```swift
/// let docker = DockerConnector(url: "unix:///var/run/docker.sock")
/// let web = try docker.call("container", ["web"], deadline: .after(.seconds(2)))
/// ```
public final class DockerConnector: Connector {
    public let kind: TargetKind = .docker
    /// `unix:///path/docker.sock`.
    public let address: String

    private let socketPath: String?
    private let options: ConnectorOptions

    /// - Parameters:
    ///   - url: `unix:///var/run/docker.sock` or a bare absolute path to the socket. TCP endpoints are
    ///     not supported.
    ///   - options: connect timeout and per-call deadline.
    public init(url: String, options: ConnectorOptions = ConnectorOptions()) {
        self.options = options
        if url.hasPrefix("unix://") {
            let path = String(url.dropFirst("unix://".count))
            socketPath = path.hasPrefix("/") ? path : nil
        } else {
            socketPath = url.hasPrefix("/") ? url : nil
        }
        address = socketPath.map { "unix://\($0)" } ?? SecretRedaction.redactURL(url)
    }

    public func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) throws(ConnectorError)
        -> JSONValue
    {
        let request: DockerRequest
        switch operation {
        case "get":
            guard arguments.count == 1, let path = arguments[0].stringValue else {
                throw ConnectorError(.refused, "docker: get expects one argument, a path such as /containers/json")
            }
            request = try DockerRequest(path: path)
        case "version", "info", "containers", "networks":
            guard arguments.isEmpty else { throw ConnectorError(.refused, "docker: \(operation) takes no argument") }
            request =
                switch operation {
                case "version": DockerRequest(resource: .version)
                case "info": DockerRequest(resource: .info)
                case "containers": DockerRequest(resource: .containers, query: [("all", "1")])
                default: DockerRequest(resource: .networks)
                }
        case "container", "image":
            let isImage = operation == "image"
            guard arguments.count == 1, var id = arguments[0].stringValue else {
                throw ConnectorError(.refused, "docker: \(operation) expects one argument, a name or id")
            }
            if !isImage, id.hasPrefix("/") { id.removeFirst() }  // listings name containers "/web"
            guard DockerRequest.validIdentifier(id, allowSlash: isImage) else {
                throw ConnectorError(
                    .refused, "docker: '\(DockerRequest.printable(id))' is not a valid \(operation) name or id")
            }
            request = DockerRequest(resource: isImage ? .image(id) : .container(id))
        default:
            throw ConnectorError(
                .refused,
                "docker: unknown operation '\(DockerRequest.printable(operation))' "
                    + "(get, version, info, containers, container, image, networks)")
        }
        return try perform(request, deadline: options.callDeadline(deadline))
    }

    /// Nothing to close: every request uses a connection of its own, so that no failure of one
    /// call (a timeout, a broken pipe, an answer over the cap) can leave state for the next.
    public func close() {}

    // MARK: - Requests

    private func perform(_ request: DockerRequest, deadline: Deadline) throws(ConnectorError) -> JSONValue {
        guard let socketPath else {
            throw ConnectorError(.failed, "docker: '\(address)' is not a unix socket (unix:///path or /path)")
        }
        let target = request.target
        guard target.utf8.count <= DockerRequest.maximumTargetBytes else {
            throw ConnectorError(
                .refused,
                "docker: GET \(request.path) refused: the request is longer than "
                    + "\(DockerRequest.maximumTargetBytes >> 10) KiB (a smaller filters value?)")
        }
        let limits = options.replyLimits
        let response = try UnixSocketHTTP.get(
            socketPath: socketPath, target: target, peer: "docker \(address)",
            connectDeadline: .after(options.connectTimeout), deadline: deadline, maximumBytes: limits.bytes,
            tooLarge: limits.tooLarge)
        let status = response.status
        // The bytes go as soon as they are parsed: the answer is never held twice.
        let body = try decode(consume response, request: request)
        switch status {
        case 200..<300:
            break
        case 400...:
            throw failure(status, body: body, request: request)
        default:
            throw ConnectorError(.failed, "docker: GET \(request.path) answered \(status), which Assay does not follow")
        }
        try expectShape(body, of: request)
        return DockerRedaction.redact(body, for: request.resource)
    }

    private func decode(_ response: consuming UnixSocketHTTP.Response, request: DockerRequest) throws(ConnectorError)
        -> JSONValue
    {
        if response.body.isEmpty { return .null }
        let type = response.contentType?.lowercased() ?? ""
        guard type.hasPrefix("application/json") else { return .string(String(decoding: response.body, as: UTF8.self)) }
        let limits = options.replyLimits
        let depth = min(limits.depth, JSONParser.maximumDepth)
        do {
            return try JSONParser.parse(response.body, limits: .init(values: limits.elements, depth: depth))
        } catch {
            let why: String
            switch error.kind {
            case .tooManyValues: why = limits.tooManyElements
            case .tooDeep:
                why = depth < limits.depth ? "reply nested deeper than \(depth) levels (the JSON parser's limit)" : limits.tooDeep
            case .malformed: why = "malformed JSON (\(response.body.count) bytes, \(error))"
            }
            throw ConnectorError(.failed, "docker: GET \(request.path): \(why)")
        }
    }

    /// A listing must be an array and an inspect an object: an engine that answers otherwise is
    /// broken, and its answer is not handed to checks as if it were data.
    private func expectShape(_ body: JSONValue, of request: DockerRequest) throws(ConnectorError) {
        let expected: String
        let matches: Bool
        switch request.resource {
        case .containers, .images, .networks:
            expected = "an array"
            matches = body.arrayValue != nil
        case .version, .info, .systemDF, .container, .image, .network, .volumes:
            expected = "an object"
            matches = body.objectValue != nil
        case .ping:
            expected = "text"
            matches = body.stringValue != nil
        }
        guard !matches else { return }
        let actual: String
        switch body {
        case .null: actual = "nothing"
        case .bool, .int, .double: actual = "a number or boolean"
        case .string: actual = "text"
        case .array: actual = "an array"
        case .object: actual = "an object"
        }
        throw ConnectorError(.failed, "docker: GET \(request.path) answered \(actual) where the engine sends \(expected)")
    }

    private func failure(_ status: Int, body: JSONValue, request: DockerRequest) -> ConnectorError {
        let message = body["message"]?.stringValue ?? body.stringValue ?? ""
        let detail = DockerRequest.printable(message.isEmpty ? "HTTP \(status)" : message)
        if status == 404 {
            switch request.resource {
            case .container(let id): return ConnectorError(.denied, "docker: no such container: \(id) (\(detail))")
            case .image(let name): return ConnectorError(.denied, "docker: no such image: \(name) (\(detail))")
            case .network(let id): return ConnectorError(.denied, "docker: no such network: \(id) (\(detail))")
            default: break
            }
        }
        return ConnectorError(.denied, "docker: GET \(request.path) answered \(status): \(detail)")
    }
}
