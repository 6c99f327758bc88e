/// The kinds of system Assay can audit; a check's `needs` names them.
public enum TargetKind: String, CaseIterable, Hashable, Sendable, Codable, Comparable {
    case files, postgres, pgbouncer, redis, docker

    public static func < (lhs: TargetKind, rhs: TargetKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A target as it appears in reports: its name, kind and an address that carries no secret.
public struct TargetInfo: Hashable, Sendable {
    public var name: String
    public var kind: TargetKind
    /// A display address with any password removed, e.g. `postgres://assay@127.0.0.1:5432/app`.
    public var address: String

    public init(name: String, kind: TargetKind, address: String) {
        self.name = name
        self.kind = kind
        self.address = address
    }
}

// MARK: - JSON

extension TargetInfo {
    /// `{name, kind, address}`, as reports, transcripts and certifications write a target.
    public var json: JSONValue {
        ["name": .string(name), "kind": .string(kind.rawValue), "address": .string(address)]
    }

    public init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue, let kind = json["kind"]?.stringValue.flatMap(TargetKind.init) else {
            return nil
        }
        self.init(name: name, kind: kind, address: json["address"]?.stringValue ?? "")
    }
}
