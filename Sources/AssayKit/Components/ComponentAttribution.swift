import AssayCore

/// Which component a finding is about, when the check that made it judged a target rather than a
/// component: the component of its live target; for a container's or a file's resource, the
/// component with that container or file; for `compose/services.<name>`, that service's.
enum ComponentAttribution {
    static func attribute(_ finding: Finding, components: [Component]) -> Finding {
        guard finding.component == nil, let component = component(of: finding, in: components) else { return finding }
        var finding = finding
        finding.component = component
        return finding
    }

    static func component(of finding: Finding, in components: [Component]) -> String? {
        let mine = components.filter { $0.members.contains { $0.target == finding.target } }
        guard !mine.isEmpty else { return nil }
        if let live = mine.first(where: { $0.members.contains { $0.target == finding.target && $0.role == .live } }) { return live.name }
        let resource = finding.resource
        if resource.hasPrefix("container/") {
            let name = String(resource.dropFirst("container/".count))
            return mine.first { $0.members.contains { $0.role == .container && $0.name == name } }?.name
        }
        if let range = resource.range(of: "services.") {
            let service = String(resource[range.upperBound...].prefix { $0 != "." && $0 != "#" && $0 != ":" })
            return mine.first { $0.members.contains { $0.role == .service && $0.name == service } }?.name
        }
        // A file's resource starts with its path: `pgbouncer/pgbouncer.ini#client_idle_timeout`, `pg_hba.conf:6`.
        let best = mine.flatMap { component in
            component.members.compactMap { member -> (String, Int)? in
                guard member.role == .file, let path = member.path, resource == path || resource.hasPrefix(path + "#")
                    || resource.hasPrefix(path + ":") || resource.hasPrefix("file/" + path)
                else { return nil }
                return (component.name, path.count)
            }
        }.max { $0.1 < $1.1 }
        return best?.0
    }
}
