/// The name of a kind of system Assay audits (`postgres`, `files`, …); a check's `needs` names
/// kinds.
///
/// AssayCore knows no kind: each is declared once, by a descriptor in a registry
/// (`TargetKindDescriptor` and `TargetKindRegistry` in AssayConnectors), which also defines the
/// named constants (`TargetKind.postgres`).
public struct TargetKind: RawRepresentable, Hashable, Sendable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ name: String) { self.rawValue = name }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static func < (lhs: TargetKind, rhs: TargetKind) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }

    /// Whether `name` can name a kind: lower-case letters, digits and dashes, starting with a letter.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
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
        guard let name = json["name"]?.stringValue, let kind = json["kind"]?.stringValue, TargetKind.isValidName(kind) else {
            return nil
        }
        self.init(name: name, kind: TargetKind(kind), address: json["address"]?.stringValue ?? "")
    }
}
