import AssayCore

/// The components a folder of configuration files takes part in: a PostgreSQL server per folder
/// holding `postgresql.conf`/`pg_hba.conf`, a PgBouncer per `pgbouncer.ini` (with the
/// `userlist.txt` beside it), a Redis per `redis.conf`, and a service per compose service — each
/// with the port or the names grouping matches on. Files that do not parse still take part (their
/// checks report the parse error).
enum FilesDiscovery {
    static func candidates(of target: TargetInfo, ask: TargetKindDescriptor.Ask) -> [ComponentCandidate] {
        func documents(_ kind: String) -> [JSONValue] { ask("configs", [.string(kind)])?.arrayValue ?? [] }
        func path(_ document: JSONValue) -> String { document["path"]?.stringValue ?? "" }
        func folder(_ path: String) -> String { path.split(separator: "/").dropLast().joined(separator: "/") }
        func member(_ path: String) -> ComponentMember { ComponentMember(target: target.name, role: .file, path: path) }
        var candidates: [ComponentCandidate] = []

        // PostgreSQL: one server per folder (postgresql.auto.conf wins over postgresql.conf).
        let postgres = documents("postgresql") + documents("hba")
        for place in Set(postgres.map { folder(path($0)) }).sorted() {
            let here = postgres.filter { folder(path($0)) == place }.sorted { rank(path($0)) < rank(path($1)) }
            let port = here.reversed().compactMap { $0["data"]?["settings"]?["port"]?["number"]?.intValue }.first
            let members = here.map { member(path($0)) }
            candidates.append(ComponentCandidate(
                kind: "postgres", member: members[0], port: port.map { Int($0) } ?? 5432, companions: Array(members.dropFirst()),
                suggestedName: "\(target.name)/\(members[0].path ?? "postgresql.conf")"))
        }
        // PgBouncer: one per ini, with its userlist.txt.
        let userlists = documents("userlist").map(path)
        for ini in documents("pgbouncer") {
            let port = ini["data"]?["pgbouncer"]?["listen_port"]?.intValue ?? 6432
            let companions = userlists.filter { folder($0) == folder(path(ini)) }.map(member)
            candidates.append(ComponentCandidate(
                kind: "pgbouncer", member: member(path(ini)), port: Int(port), companions: companions,
                suggestedName: "\(target.name)/\(path(ini))"))
        }
        // Redis: one per configuration file.
        for conf in documents("redis") {
            let port = conf["data"]?["settings"]?["port"]?.stringValue.flatMap { Int($0) } ?? 6379
            candidates.append(ComponentCandidate(
                kind: "redis", member: member(path(conf)), port: port, suggestedName: "\(target.name)/\(path(conf))"))
        }
        // Compose: one per service.
        for compose in documents("compose") {
            let file = path(compose)
            let project = compose["data"]?["name"]?.stringValue ?? folder(file).split(separator: "/").last.map { $0.lowercased() }
            let services = compose["data"]?["services"]?.objectValue ?? [:]
            for name in services.keys.sorted() {
                candidates.append(ComponentCandidate(
                    kind: "service", member: ComponentMember(target: target.name, role: .service, path: file, name: name),
                    project: project, containerName: services[name]?["container_name"]?.stringValue, suggestedName: name))
            }
        }
        return candidates
    }

    /// postgresql.conf first, then postgresql.auto.conf, then pg_hba.conf.
    private static func rank(_ path: String) -> Int {
        path.hasSuffix("postgresql.conf") ? 0 : path.hasSuffix("postgresql.auto.conf") ? 1 : 2
    }
}
