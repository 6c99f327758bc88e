import AssayCore

/// The components a Docker engine takes part in: one per container, a `service` whose compose
/// project and service come from the labels compose puts on it.
enum DockerDiscovery {
    static func candidates(of target: TargetInfo, ask: TargetKindDescriptor.Ask) -> [ComponentCandidate] {
        let containers = ask("containers", [])?.arrayValue ?? []
        return containers.compactMap { container in
            guard let raw = container["Names"]?.arrayValue?.first?.stringValue ?? container["Id"]?.stringValue else { return nil }
            let name = raw.hasPrefix("/") ? String(raw.dropFirst()) : raw
            let labels = container["Labels"]
            let service = labels?["com.docker.compose.service"]?.stringValue
            return ComponentCandidate(
                kind: "service", member: ComponentMember(target: target.name, role: .container, name: name),
                project: labels?["com.docker.compose.project"]?.stringValue, service: service, suggestedName: service ?? name)
        }.sorted { ($0.member.name ?? "") < ($1.member.name ?? "") }
    }
}
