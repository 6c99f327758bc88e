import AssayCore

/// Discovery for the kinds whose target is one live server: one candidate, the server, with the
/// port its location names.
enum LiveServerDiscovery {
    static func candidate(kind: String, target: TargetInfo, server: String?) -> [ComponentCandidate] {
        let port = server.flatMap { $0.split(separator: ":").last }.flatMap { Int($0) }
        return [ComponentCandidate(kind: kind, member: ComponentMember(target: target.name, role: .live), port: port, suggestedName: target.name)]
    }
}
