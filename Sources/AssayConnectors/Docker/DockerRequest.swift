import AssayCore

/// One read-only Engine API request, validated from the path a check asked for.
///
/// Only the endpoints below can be built, and only as `GET`; anything else is refused before a
/// byte is sent. An optional API version prefix (`/v1.41`) is kept on the wire.
///
/// | path | resource |
/// |---|---|
/// | `/_ping`, `/version`, `/info`, `/system/df` | engine |
/// | `/containers/json`, `/containers/{id}/json` | containers |
/// | `/images/json`, `/images/{name}/json` | images (`name` may hold `/` and `:`) |
/// | `/networks`, `/networks/{id}`, `/volumes` | networks, volumes |
struct DockerRequest: Equatable {
    enum Resource: Equatable {
        case ping, version, info, systemDF
        case containers
        case container(String)
        case images
        case image(String)
        case networks
        case network(String)
        case volumes
    }

    var resource: Resource
    /// Query parameters, decoded, in the order given.
    var query: [(name: String, value: String)]
    /// `/v1.41` or empty.
    var versionPrefix: String

    static func == (a: DockerRequest, b: DockerRequest) -> Bool {
        a.resource == b.resource && a.versionPrefix == b.versionPrefix
            && a.query.map { [$0.name, $0.value] } == b.query.map { [$0.name, $0.value] }
    }

    init(resource: Resource, query: [(name: String, value: String)] = [], versionPrefix: String = "") {
        self.resource = resource
        self.query = query
        self.versionPrefix = versionPrefix
    }

    /// The longest request target sent (the engine's HTTP server refuses long heads; a request is
    /// refused before it is sent rather than answered by a broken pipe).
    static let maximumTargetBytes = 8 << 10

    // MARK: - Validation

    /// Parses and validates a request path such as `/v1.41/containers/json?all=1`.
    init(path: String) throws(ConnectorError) {
        func refuse(_ why: String) -> ConnectorError {
            ConnectorError(.refused, "docker: GET \(DockerRequest.printable(path)) refused: \(why)")
        }
        guard path.utf8.count <= Self.maximumTargetBytes else {
            throw refuse("the request is longer than \(Self.maximumTargetBytes >> 10) KiB (a smaller filters value?)")
        }
        let pathPart: Substring
        let queryPart: Substring?
        if let mark = path.firstIndex(of: "?") {
            pathPart = path[..<mark]
            queryPart = path[path.index(after: mark)...]
        } else {
            pathPart = path[...]
            queryPart = nil
        }
        guard pathPart.hasPrefix("/") else { throw refuse("the path must start with /") }
        guard pathPart.allSatisfy({ $0.isASCII && Self.idCharacters.contains($0) }) else {
            throw refuse("only letters, digits and _ . : / - may appear in the path")
        }
        var segments = pathPart.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !segments.contains(where: { $0.isEmpty || $0 == "." || $0.contains("..") }) else {
            throw refuse("empty, . or .. path segments")
        }
        var versionPrefix = ""
        if let first = segments.first, Self.isVersion(first) {
            versionPrefix = "/" + first
            segments.removeFirst()
        }

        let resource: Resource
        switch segments {
        case ["_ping"]: resource = .ping
        case ["version"]: resource = .version
        case ["info"]: resource = .info
        case ["system", "df"]: resource = .systemDF
        case ["containers", "json"]: resource = .containers
        case ["images", "json"]: resource = .images
        case ["networks"]: resource = .networks
        case ["volumes"]: resource = .volumes
        default:
            if segments.count == 3, segments[0] == "containers", segments[2] == "json" {
                resource = .container(segments[1])
            } else if segments.count >= 3, segments[0] == "images", segments.last == "json" {
                resource = .image(segments[1..<(segments.count - 1)].joined(separator: "/"))
            } else if segments.count == 2, segments[0] == "networks" {
                resource = .network(segments[1])
            } else {
                throw refuse("not one of the read-only endpoints Assay may ask")
            }
        }

        var query: [(name: String, value: String)] = []
        if let queryPart, !queryPart.isEmpty {
            for pair in queryPart.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = PercentEncoding.decode(parts[0], plusAsSpace: true),
                    let value = PercentEncoding.decode(parts.count > 1 ? parts[1] : "", plusAsSpace: true)
                else { throw refuse("malformed percent-encoding in the query") }
                query.append((name, value))
            }
        }
        self.init(resource: resource, query: query, versionPrefix: versionPrefix)
        try validateQuery()
    }

    /// Refuses query parameters the endpoint does not read or values of the wrong shape.
    private func validateQuery() throws(ConnectorError) {
        let allowed: Set<String>
        switch resource {
        case .containers: allowed = ["all", "limit", "size", "filters"]
        case .container: allowed = ["size"]
        case .images: allowed = ["all", "filters", "digests"]
        case .networks, .volumes: allowed = ["filters"]
        case .systemDF: allowed = ["type"]
        case .ping, .version, .info, .image, .network: allowed = []
        }
        for (name, value) in query {
            guard allowed.contains(name) else {
                throw ConnectorError(
                    .refused, "docker: query parameter '\(Self.printable(name))' is not allowed on \(path)")
            }
            let valid: Bool
            switch name {
            case "all", "size", "digests": valid = ["0", "1", "true", "false"].contains(value)
            case "limit": valid = Int(value) != nil
            case "type": valid = value.allSatisfy { $0.isLetter || $0 == "-" }
            default: valid = (try? JSONParser.parse(value))?.objectValue != nil  // filters: a JSON object
            }
            guard valid else {
                throw ConnectorError(.refused, "docker: bad value for query parameter '\(name)' on \(path)")
            }
        }
    }

    // MARK: - Wire form

    /// The path without version prefix or query, percent-encoded: `/containers/assay-web/json`.
    var path: String {
        switch resource {
        case .ping: return "/_ping"
        case .version: return "/version"
        case .info: return "/info"
        case .systemDF: return "/system/df"
        case .containers: return "/containers/json"
        case .container(let id): return "/containers/\(PercentEncoding.encode(id))/json"
        case .images: return "/images/json"
        case .image(let name):
            return "/images/\(PercentEncoding.encode(name, keeping: [UInt8(ascii: "/"), UInt8(ascii: ":")]))/json"
        case .networks: return "/networks"
        case .network(let id): return "/networks/\(PercentEncoding.encode(id))"
        case .volumes: return "/volumes"
        }
    }

    /// The request target sent on the wire.
    var target: String {
        let q = query.map { "\(PercentEncoding.encode($0.name))=\(PercentEncoding.encode($0.value))" }
        return versionPrefix + path + (q.isEmpty ? "" : "?" + q.joined(separator: "&"))
    }

    // MARK: - Identifiers

    /// Characters allowed in paths and in container, image and network identifiers.
    static let idCharacters: Set<Character> = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:/-")

    /// Validates a container, image or network identifier given to a convenience operation.
    static func validIdentifier(_ id: String, allowSlash: Bool) -> Bool {
        !id.isEmpty && id.allSatisfy { $0.isASCII && idCharacters.contains($0) } && !id.contains("..")
            && (allowSlash ? !id.hasPrefix("/") && !id.hasSuffix("/") && !id.contains("//") : !id.contains("/"))
    }

    private static func isVersion(_ segment: String) -> Bool {
        guard segment.hasPrefix("v") else { return false }
        let parts = segment.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }

    /// A path as it may appear in an error message: printable ASCII, at most 200 characters.
    static func printable<S: StringProtocol>(_ text: S) -> String {
        let cleaned = text.unicodeScalars.map {
            $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?"
        }
        return cleaned.count > 200 ? String(cleaned.prefix(200)) + "…" : String(cleaned)
    }
}
