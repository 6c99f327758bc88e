import AssayCore
import Foundation

/// The credentials that a target's location carries, read the way its connector reads them, and
/// libpq's environment (`PGPASSWORD`, `~/.pgpass`): what a run registers with its
/// ``SecretRegistry`` before the first connection is made.
public enum GivenCredentials {
    /// One credential and where it came from (for a weak-credential finding: never the value).
    public struct Credential: Hashable, Sendable {
        public var source: String
        public var value: String

        public init(source: String, value: String) {
            self.source = source
            self.value = value
        }
    }

    /// What a location holds: its credentials and the names around them (a password equal to one
    /// of them is weak).
    public struct Reading: Sendable {
        public var credentials: [Credential] = []
        public var names: [(what: String, name: String)] = []
    }

    /// The credentials of a target's URL or connection string.
    ///
    /// PostgreSQL and PgBouncer: the password of the URL (as written, percent-decoded, in the strict
    /// and the lenient reading), `?password=`, or `password = '…'` of a `key=value` string; Redis:
    /// the URL's password; any kind: a bare token in an `https://TOKEN@host` URL.
    public static func read(location: String, kind: TargetKind) -> Reading {
        var reading = Reading()
        switch kind {
        case .files:
            return reading
        case .postgres, .pgbouncer:
            let target = LibPQTarget(conninfo: location, password: nil)
            let environment = ProcessInfo.processInfo.environment["PGPASSWORD"]
            for value in target.passwords where value != environment {
                reading.credentials.append(Credential(source: LibPQTarget.isURL(location) ? "the URL" : "the connection string", value: value))
            }
            reading.names = target.names
        case .redis:
            if let endpoint = try? RedisEndpoint.parse(location, password: nil) {
                if let password = endpoint.password {
                    reading.credentials.append(Credential(source: "the URL", value: password))
                }
                if let user = endpoint.user { reading.names.append(("the user name", user)) }
            }
            for raw in SecretRedaction.urlPasswords(in: location, wholeValue: true) {
                reading.credentials.append(Credential(source: "the URL", value: raw))
            }
        default:  // docker, and any kind of an embedder's: a password a URL carries
            for raw in SecretRedaction.urlPasswords(in: location, wholeValue: true) {
                reading.credentials.append(Credential(source: "the URL", value: raw))
            }
        }
        var seen = Set<String>()
        reading.credentials = reading.credentials.filter { seen.insert($0.value).inserted }
        return reading
    }

    /// What libpq would add for a PostgreSQL or PgBouncer target that has no password of its own:
    /// `PGPASSWORD`, else the first matching line of the pass file (`PGPASSFILE`, `~/.pgpass`).
    public static func libpqEnvironment(location: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> [Credential]
    {
        if let password = environment["PGPASSWORD"], !password.isEmpty {
            return [Credential(source: "PGPASSWORD", value: password)]
        }
        let path = environment["PGPASSFILE"] ?? environment["HOME"].map { $0 + "/.pgpass" }
        guard let path, let data = FileManager.default.contents(atPath: path) else { return [] }
        let parsed = LibPQTarget.parse(location) ?? []
        func option(_ key: String, _ fallback: String) -> String {
            parsed.first(where: { $0.key == key })?.value ?? environment["PG" + key.uppercased()] ?? fallback
        }
        let wanted = [option("host", "localhost"), option("port", "5432"), option("dbname", "*"), option("user", "*")]
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = passFileFields(line)
            guard fields.count == 5 else { continue }
            let matches = zip(fields.prefix(4), wanted).allSatisfy { field, want in field == "*" || want == "*" || field == want }
            if matches, !fields[4].isEmpty { return [Credential(source: "the pass file \(path)", value: fields[4])] }
        }
        return []
    }

    /// `host:port:db:user:password` with `\:` and `\\` escapes.
    static func passFileFields<S: StringProtocol>(_ line: S) -> [String] {
        var fields: [String] = [""]
        var escaped = false
        for character in line {
            if escaped {
                fields[fields.count - 1].append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":", fields.count < 5 {
                fields.append("")
            } else {
                fields[fields.count - 1].append(character)
            }
        }
        return fields
    }
}
