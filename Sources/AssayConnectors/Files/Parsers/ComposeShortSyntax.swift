import AssayCore

/// The short forms of compose `ports` and `volumes` entries, parsed into tables.
enum ComposeShortSyntax {
    struct Failure: Error {
        var message: String
    }

    /// `[host_ip:][published:]target[/protocol]` (`[::1]:5432:5432` for IPv6), as compose and
    /// Docker's `nat.ParsePortSpec` read it; ranges (`9000-9001`) stay strings.
    /// `{host_ip, published, target, protocol, original, all_interfaces}`.
    static func port(_ original: String) throws(Failure) -> JSONValue {
        var spec = Substring(original)
        var proto = "tcp"
        if let slash = spec.lastIndex(of: "/") {
            proto = String(spec[spec.index(after: slash)...])
            spec = spec[..<slash]
        }
        var hostIP: String?
        var published: Substring?
        let target: Substring
        if spec.hasPrefix("[") {
            guard let close = spec.firstIndex(of: "]") else { throw Failure(message: "invalid port specification") }
            hostIP = String(spec[spec.index(after: spec.startIndex)..<close])
            let parts = spec[spec.index(after: close)...].split(separator: ":", omittingEmptySubsequences: false)
                .dropFirst()
            guard spec[spec.index(after: close)...].first == ":", parts.count == 1 || parts.count == 2,
                let last = parts.last
            else {
                throw Failure(message: "invalid port specification")
            }
            target = last
            if parts.count == 2 { published = parts.first }
        } else {
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
            target = parts[parts.count - 1]
            switch parts.count {
            case 1: break
            case 2: published = parts[0]
            case 3:
                hostIP = String(parts[0])
                published = parts[1]
            default:
                hostIP = parts[0..<(parts.count - 2)].joined(separator: ":")
                published = parts[parts.count - 2]
            }
        }
        guard let targetValue = portValue(target), !proto.isEmpty else {
            throw Failure(message: "invalid port specification")
        }
        var table: [String: JSONValue] = [
            "target": targetValue, "protocol": .string(proto), "original": .string(original),
        ]
        if let published, !published.isEmpty {
            guard let value = portValue(published) else { throw Failure(message: "invalid published port") }
            table["published"] = value
        }
        if let hostIP, !hostIP.isEmpty { table["host_ip"] = .string(hostIP) }
        table["all_interfaces"] = .bool(isAllInterfaces(hostIP))
        return .object(table)
    }

    /// The long form of a port, with the same derived keys as the short form.
    static func port(long table: [String: JSONValue]) -> JSONValue {
        var table = table
        for key in ["published", "target"] {
            if let text = table[key]?.stringValue, let value = portValue(Substring(text)) { table[key] = value }
        }
        if table["protocol"] == nil { table["protocol"] = "tcp" }
        table["all_interfaces"] = .bool(isAllInterfaces(table["host_ip"]?.stringValue))
        return .object(table)
    }

    /// `source:target[:mode]` or an anonymous `target`: `{type, source, target, read_only, original}`.
    /// `type` is `bind` for a source that is a path (`/`, `.`, `~`), `volume` otherwise.
    static func volume(_ original: String) -> JSONValue {
        let parts = original.split(separator: ":", omittingEmptySubsequences: false)
        var table: [String: JSONValue] = ["original": .string(original)]
        switch parts.count {
        case 1:
            table["type"] = "volume"
            table["target"] = .string(original)
            table["read_only"] = false
        case 2, 3:
            let source = String(parts[0])
            table["source"] = .string(source)
            table["target"] = .string(String(parts[1]))
            let modes = parts.count == 3 ? parts[2].split(separator: ",").map(String.init) : []
            table["read_only"] = .bool(modes.contains("ro"))
            if !modes.isEmpty { table["mode"] = .string(String(parts[2])) }
            let isPath = source.hasPrefix("/") || source.hasPrefix(".") || source.hasPrefix("~")
            table["type"] = .string(isPath ? "bind" : "volume")
        default:
            table["type"] = "unknown"
        }
        return .object(table)
    }

    /// The long form of a volume, with `read_only` always present.
    static func volume(long table: [String: JSONValue]) -> JSONValue {
        var table = table
        if table["read_only"]?.boolValue == nil { table["read_only"] = false }
        return .object(table)
    }

    /// Whether a port published on this host address listens on every interface.
    static func isAllInterfaces(_ hostIP: String?) -> Bool {
        guard let hostIP else { return true }
        return ["", "0.0.0.0", "::", "[::]"].contains(hostIP)
    }

    /// `5432` → 5432, `9000-9001` → "9000-9001", anything else nil.
    private static func portValue(_ text: Substring) -> JSONValue? {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(bounds.count),
            bounds.allSatisfy({ !$0.isEmpty && $0.count <= 5 && $0.allSatisfy(\.isASCIIDigit) })
        else { return nil }
        guard bounds.count == 1 else { return .string(String(text)) }
        return Int64(text).map { .int($0) }
    }
}
