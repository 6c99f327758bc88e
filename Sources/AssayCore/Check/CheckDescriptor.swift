/// The metadata of a check, validated when its script loads.
public struct CheckDescriptor: Hashable, Sendable {
    /// Stable, unique, upper-case identifier such as `PGB-CLIENT-IDLE`.
    public var id: String
    public var title: String
    public var severity: Severity
    /// The scoring bucket, such as `security` or `pool-efficiency`.
    public var category: String
    /// Connector kinds; the check runs once per target of the first kind (unless it judges a
    /// component: then once per component of ``component``'s kind, reading the kinds it needs).
    public var needs: [TargetKind]
    /// The kind of component it judges (`postgres`, `pgbouncer`, `redis`, `service`), when it is a
    /// rule over a component's sources rather than a check of one target.
    public var component: String?
    /// Ids it was known by before (kept working in `--only`, `--skip`, waivers and diffs).
    public var aliases: [String]
    public var tags: [String]
    public var references: [String]
    public var remediation: String
    public var description: String
    /// Where the check was defined: script path and the line of `assay.check`.
    public var source: SourceLocation

    public init(
        id: String, title: String, severity: Severity, category: String, needs: [TargetKind],
        tags: [String] = [], references: [String] = [], remediation: String = "", description: String = "",
        source: SourceLocation, component: String? = nil, aliases: [String] = []
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.category = category
        self.needs = needs
        self.tags = tags
        self.references = references
        self.remediation = remediation
        self.description = description
        self.source = source
        self.component = component
        self.aliases = aliases
    }

    /// Whether `name` is its id or one of its aliases.
    public func isNamed(_ name: String) -> Bool { id == name || aliases.contains(name) }
}

/// A place in a file, written `path:line`.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int

    public init(path: String, line: Int) {
        self.path = path
        self.line = line
    }

    public var description: String { line > 0 ? "\(path):\(line)" : path }
}
