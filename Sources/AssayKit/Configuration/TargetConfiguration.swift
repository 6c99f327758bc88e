import AssayCore

/// One system to audit, as `assay.yaml` or a command-line flag names it.
///
/// Credentials never live here in clear unless the URL carries them: prefer `passwordEnv`
/// (the name of an environment variable) or `passwordFile` (a file holding only the password),
/// or libpq's own `PGPASSWORD` / `.pgpass` for PostgreSQL and PgBouncer.
public struct TargetConfiguration: Hashable, Sendable {
    public var name: String
    public var kind: TargetKind
    /// A URL (`postgres://…`, `redis://…`, `unix:///…/docker.sock`) or, for `files`, a folder.
    public var location: String
    public var passwordEnv: String?
    public var passwordFile: String?

    public init(name: String, kind: TargetKind, location: String, passwordEnv: String? = nil, passwordFile: String? = nil) {
        self.name = name
        self.kind = kind
        self.location = location
        self.passwordEnv = passwordEnv
        self.passwordFile = passwordFile
    }

    /// Parses a flag value `URL` or `NAME=URL` (NAME: letters, digits, `-`, `_`, `.`; for files,
    /// `NAME=DIR`). A libpq `key=value` string cannot be named on the command line (it would read
    /// as a name): name it in assay.yaml. Unnamed targets are called after their kind:
    /// `postgres`, `postgres-2`, …
    public static func fromFlag(_ value: String, kind: TargetKind, index: Int, isFolder: Bool) -> TargetConfiguration {
        if let eq = value.firstIndex(of: "="), eq > value.startIndex {
            let name = value[..<eq]
            let rest = value[value.index(after: eq)...]
            let isLocation = isFolder || rest.contains("://") || rest.hasPrefix("/")
            if isLocation, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) {
                return TargetConfiguration(name: String(name), kind: kind, location: String(value[value.index(after: eq)...]))
            }
        }
        let name = index == 0 ? kind.rawValue : "\(kind.rawValue)-\(index + 1)"
        return TargetConfiguration(name: name, kind: kind, location: value)
    }
}
