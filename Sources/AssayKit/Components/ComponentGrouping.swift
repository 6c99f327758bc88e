import AssayCore

/// Groups the candidates the targets reported into the run's components, and says why.
///
/// 1. Components stated in `assay.yaml` (`components:`) take the candidates they name first.
/// 2. A live PostgreSQL, PgBouncer or Redis target takes the one configuration file of its kind
///    that sets its port (`postgresql.conf` `port`, `pgbouncer.ini` `listen_port`, `redis.conf`
///    `port`); when each side has exactly one left, they pair. Several files with the same port are
///    not guessed between: the decision says to name the component in `assay.yaml`.
/// 3. A container joins the compose service whose name its `com.docker.compose.service` label
///    gives (and whose project matches, when both are known), else the service whose
///    `container_name` it has.
/// 4. Whatever is left is a component of its own.
///
/// The result depends only on the candidates, never on the order the targets answered in.
enum ComponentGrouping {
    static let serverKinds = ["postgres", "pgbouncer", "redis"]

    static func group(_ candidates: [ComponentCandidate], stated: [ComponentStatement]) -> [Component] {
        var pool = candidates.sorted { key($0) < key($1) }
        var components: [Component] = []

        for statement in stated {
            let (taken, rest) = partition(pool) { statement.claims($0) }
            pool = rest
            guard !taken.isEmpty else { continue }
            components.append(Component(
                kind: statement.kind ?? taken[0].kind, name: statement.name, members: taken.flatMap(members),
                decisions: ["stated in assay.yaml (components: \(statement.name))"]))
        }

        for kind in serverKinds {
            var lives = pool.filter { $0.kind == kind && $0.member.role == .live }
            var files = pool.filter { $0.kind == kind && $0.member.role == .file }
            pool.removeAll { $0.kind == kind && ($0.member.role == .live || $0.member.role == .file) }
            var paired: [(live: ComponentCandidate, file: ComponentCandidate?, why: String)] = []
            var ambiguous: [String: String] = [:]
            for live in lives {
                let matches = files.filter { $0.port != nil && $0.port == live.port }
                if matches.count == 1 {
                    let file = matches[0]
                    paired.append((live, file, "\(file.member.path ?? "?") sets port \(file.port!), the port of target \(live.member.target)"))
                    files.removeAll { $0 == file }
                } else if matches.count > 1 {
                    ambiguous[live.member.target] = "\(matches.count) files set port \(live.port!) (\(matches.compactMap(\.member.path).joined(separator: ", "))): "
                        + "none was taken; name the component in assay.yaml (components:)"
                }
            }
            lives.removeAll { live in paired.contains { $0.live == live } }
            if lives.count == 1, files.count == 1, ambiguous.isEmpty {
                paired.append((lives[0], files[0], "the only \(kind) target and the only \(files[0].member.path ?? kind) left"))
                lives = []
                files = []
            }
            for live in lives { paired.append((live, nil, ambiguous[live.member.target] ?? "no \(kind) configuration file sets port \(live.port.map(String.init) ?? "?")")) }
            for pair in paired.sorted(by: { $0.live.member.target < $1.live.member.target }) {
                var members = [pair.live.member]
                if let file = pair.file { members += self.members(file) }
                components.append(Component(kind: kind, name: pair.live.suggestedName, members: members, decisions: [pair.why]))
            }
            for file in files {
                components.append(Component(
                    kind: kind, name: file.suggestedName, members: self.members(file),
                    decisions: ["no live \(kind) target has port \(file.port.map(String.init) ?? "?"): judged from its files alone"]))
            }
        }

        let containers = pool.filter { $0.kind == "service" && $0.member.role == .container }
        var services = pool.filter { $0.kind == "service" && $0.member.role == .service }
        pool.removeAll { $0.kind == "service" }
        var grouped: [String: (members: [ComponentMember], decisions: [String], service: ComponentCandidate?)] = [:]
        var order: [String] = []
        for service in services {
            let name = service.suggestedName
            if grouped[name] == nil { order.append(name) }
            grouped[name, default: ([], [], service)].members.append(service.member)
        }
        for container in containers {
            let byLabel = services.first { service in
                container.service == service.member.name && (container.project == nil || service.project == nil || container.project == service.project)
            }
            let byName = services.first { $0.containerName != nil && $0.containerName == container.member.name }
            if let service = byLabel ?? byName {
                let why = byLabel != nil
                    ? "container \(container.member.name ?? "?") carries the compose label of service \(service.member.name ?? "?")"
                    : "container \(container.member.name ?? "?") is the container_name of service \(service.member.name ?? "?")"
                grouped[service.suggestedName]!.members.append(container.member)
                grouped[service.suggestedName]!.decisions.append(why)
            } else {
                let name = container.member.name ?? container.suggestedName
                if grouped[name] == nil { order.append(name) }
                grouped[name, default: ([], [], nil)].members.append(container.member)
                grouped[name]!.decisions.append("container \(name) belongs to no compose service of the audited files")
            }
        }
        services.removeAll()
        for name in order {
            let entry = grouped[name]!
            var decisions = entry.decisions
            if !entry.members.contains(where: { $0.role == .container }) { decisions.append("no container of the audited engines runs it") }
            components.append(Component(kind: "service", name: name, members: entry.members, decisions: decisions))
        }
        // Anything else (kinds a registry adds): a component per candidate.
        for candidate in pool {
            components.append(Component(
                kind: candidate.kind, name: candidate.suggestedName, members: members(candidate), decisions: ["a \(candidate.kind) of its own"]))
        }
        return unique(components)
    }

    /// The candidate's own source and the files beside it.
    private static func members(_ candidate: ComponentCandidate) -> [ComponentMember] { [candidate.member] + candidate.companions }

    private static func key(_ candidate: ComponentCandidate) -> String {
        [candidate.kind, candidate.member.target, candidate.member.path ?? "", candidate.member.name ?? ""].joined(separator: "\u{0}")
    }

    private static func partition(_ list: [ComponentCandidate], _ taken: (ComponentCandidate) -> Bool) -> ([ComponentCandidate], [ComponentCandidate]) {
        (list.filter(taken), list.filter { !taken($0) })
    }

    /// Names are unique in a run: a later component whose name is taken gets its kind appended.
    private static func unique(_ components: [Component]) -> [Component] {
        var seen: Set<String> = []
        return components.map { component in
            var component = component
            var name = component.name
            if seen.contains(name) { name = "\(name) (\(component.kind))" }
            var n = 2
            let base = name
            while seen.contains(name) {
                name = "\(base) \(n)"
                n += 1
            }
            component.name = name
            seen.insert(name)
            return component
        }
    }
}

/// A component as `assay.yaml` states it:
///
/// ```yaml
/// components:
///   - name: db
///     kind: postgres                  # optional: the kind of its first source
///     targets: [main-db]              # live targets
///     files: [deploy:postgres/postgresql.conf, deploy:postgres/pg_hba.conf]   # TARGET:PATH, or PATH
///     services: [db]                  # compose services
///     containers: [shop-db-1]         # containers
/// ```
public struct ComponentStatement: Hashable, Sendable {
    public var name: String
    public var kind: String?
    public var targets: [String]
    public var files: [String]
    public var services: [String]
    public var containers: [String]

    public init(
        name: String, kind: String? = nil, targets: [String] = [], files: [String] = [], services: [String] = [], containers: [String] = []
    ) {
        self.name = name
        self.kind = kind
        self.targets = targets
        self.files = files
        self.services = services
        self.containers = containers
    }

    func claims(_ candidate: ComponentCandidate) -> Bool {
        let member = candidate.member
        switch member.role {
        case .live: return targets.contains(member.target)
        case .file:
            guard let path = member.path else { return false }
            return files.contains(path) || files.contains("\(member.target):\(path)")
        case .service: return member.name.map(services.contains) ?? false
        case .container: return member.name.map(containers.contains) ?? false
        }
    }
}
