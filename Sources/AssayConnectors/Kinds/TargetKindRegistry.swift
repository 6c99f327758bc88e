import AssayCore

/// The target kinds a run knows, in the order help texts and reports list them.
///
/// ``builtin`` is the list of Assay's own kinds: the one place a new kind is added. An embedder
/// may audit kinds of its own with `TargetKindRegistry.builtin.adding(myKind)`.
public struct TargetKindRegistry: Sendable {
    /// Assay's own kinds. **Add a new kind here** (and its folder beside the others).
    public static let builtin = TargetKindRegistry([
        .files, .postgres, .pgbouncer, .redis, .docker,
    ])

    public let descriptors: [TargetKindDescriptor]

    /// - Precondition: no two descriptors share a kind.
    public init(_ descriptors: [TargetKindDescriptor]) {
        precondition(Set(descriptors.map(\.kind)).count == descriptors.count, "two target kinds share a name")
        self.descriptors = descriptors
    }

    /// This registry and one more kind (replacing a kind of the same name).
    public func adding(_ descriptor: TargetKindDescriptor) -> TargetKindRegistry {
        TargetKindRegistry(descriptors.filter { $0.kind != descriptor.kind } + [descriptor])
    }

    public var kinds: [TargetKind] { descriptors.map(\.kind) }

    public subscript(kind: TargetKind) -> TargetKindDescriptor? { descriptors.first { $0.kind == kind } }

    /// The kind of a name, if this registry has it.
    public func kind(named name: String) -> TargetKind? { kinds.first { $0.rawValue == name } }

    /// "files, postgres, pgbouncer, redis, docker", for messages.
    public var namesList: String { kinds.map(\.rawValue).joined(separator: ", ") }

    /// The Lua handle of every kind (what the sandbox builds handles from).
    public var handles: [TargetKind: HandleSpec] {
        Dictionary(uniqueKeysWithValues: descriptors.map { ($0.kind, $0.handle) })
    }
}
