/// The kinds of configuration file the files connector recognises, by file name.
public enum ConfigKind: String, CaseIterable, Hashable, Sendable {
    /// `pgbouncer.ini`, `*.pgbouncer.ini`.
    case pgbouncer
    /// PgBouncer's auth file, `userlist.txt`.
    case userlist
    /// `redis.conf`, `redis-*.conf`, `*.redis.conf`.
    case redis
    /// `postgresql.conf`, `postgresql.auto.conf`.
    case postgresql
    /// `pg_hba.conf`.
    case hba
    /// `.env`, `.env.*`, `*.env`.
    case dotenv
    /// `docker-compose.yml`, `compose.yml`, `docker-compose.*.yml`, `compose.*.yml` (and `.yaml`).
    case compose

    /// The kind of a file from its name (the last path component), or nil when Assay does not read it.
    public static func recognise(fileName name: String) -> ConfigKind? {
        if let kind = exactNames[name] { return kind }
        if name.hasSuffix(".pgbouncer.ini") { return .pgbouncer }
        if name.hasSuffix(".redis.conf") || (name.hasPrefix("redis-") && name.hasSuffix(".conf")) { return .redis }
        if name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
            let stem = name.hasSuffix(".yml") ? String(name.dropLast(4)) : String(name.dropLast(5))
            if stem == "docker-compose" || stem == "compose" { return .compose }
            if stem.hasPrefix("docker-compose.") || stem.hasPrefix("compose.") { return .compose }
            return nil
        }
        if name.hasPrefix(".env.") || (name.hasSuffix(".env") && name.count > 4) { return .dotenv }
        return nil
    }

    private static let exactNames: [String: ConfigKind] = [
        "pgbouncer.ini": .pgbouncer, "userlist.txt": .userlist, "redis.conf": .redis,
        "postgresql.conf": .postgresql, "postgresql.auto.conf": .postgresql, "pg_hba.conf": .hba, ".env": .dotenv,
    ]
}
