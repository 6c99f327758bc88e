/// A part of the audited stack — a PostgreSQL server, a PgBouncer, a Redis, a compose service —
/// with every source Assay reads it from: a live server, its configuration files, the container
/// that runs it. A component is the unit a report scores and the unit a rule judges: a rule
/// written once reads the live value when there is one and the file's otherwise, so a defect seen
/// through both sources is one finding.
public struct Component: Hashable, Sendable {
    /// `postgres`, `pgbouncer`, `redis`, or `service` (a compose service and its containers).
    public var kind: String
    /// Unique in the run: the live target's name, else the service's or the files' own name.
    public var name: String
    public var members: [ComponentMember]
    /// How the grouping was decided, one sentence each ("pgbouncer.ini listen_port 6432 is the
    /// port of target pgbouncer"), for the report and `--verbose`.
    public var decisions: [String]

    public init(kind: String, name: String, members: [ComponentMember], decisions: [String]) {
        self.kind = kind
        self.name = name
        self.members = members
        self.decisions = decisions
    }

    /// The target whose worker runs the component's checks: its live server, else its files.
    public var primaryTarget: String {
        (members.first { $0.role == .live } ?? members.first { $0.role == .container } ?? members[0]).target
    }

    /// The live server's target, if the component has one.
    public var liveTarget: String? { members.first { $0.role == .live }?.target }

    /// Its sources, in words: "live, files", "files", "container".
    public var sourcesText: String {
        var roles: [String] = []
        for member in members {
            let word = member.role == .file || member.role == .service ? "files" : member.role.rawValue
            if !roles.contains(word) { roles.append(word) }
        }
        return roles.joined(separator: ", ")
    }
}

/// One source of a component.
public struct ComponentMember: Hashable, Sendable {
    public enum Role: String, Hashable, Sendable {
        /// A live server target (PostgreSQL, PgBouncer, Redis).
        case live
        /// A configuration file of a files target (`pgbouncer/pgbouncer.ini`).
        case file
        /// A service of a compose file of a files target.
        case service
        /// A container of a Docker engine target.
        case container
    }

    /// The target the source is read through.
    public var target: String
    public var role: Role
    /// The file's path in its target (for `file` and `service`).
    public var path: String?
    /// The service's or the container's name.
    public var name: String?

    public init(target: String, role: Role, path: String? = nil, name: String? = nil) {
        self.target = target
        self.role = role
        self.path = path
        self.name = name
    }
}

/// What a target says about the components it takes part in, before they are grouped: a live
/// server with its port, a configuration file with the port it sets, a compose service, a
/// container with its compose labels. Made by each kind's descriptor (`discover`).
public struct ComponentCandidate: Hashable, Sendable {
    public var kind: String
    public var member: ComponentMember
    /// The port the server listens on, as its source says (the URL's, or the file's setting).
    public var port: Int?
    /// For services and containers: the compose project, when known.
    public var project: String?
    /// For containers: the compose service that made it (its `com.docker.compose.service` label).
    public var service: String?
    /// For compose services: the `container_name` they give their container.
    public var containerName: String?
    /// Other files of the same component (`pg_hba.conf` beside `postgresql.conf`, `userlist.txt`
    /// beside `pgbouncer.ini`).
    public var companions: [ComponentMember]
    /// A name to give a component made of this candidate alone.
    public var suggestedName: String

    public init(
        kind: String, member: ComponentMember, port: Int? = nil, project: String? = nil, service: String? = nil,
        containerName: String? = nil, companions: [ComponentMember] = [], suggestedName: String
    ) {
        self.kind = kind
        self.member = member
        self.port = port
        self.project = project
        self.service = service
        self.containerName = containerName
        self.companions = companions
        self.suggestedName = suggestedName
    }
}

// MARK: - JSON

extension ComponentMember {
    public var json: JSONValue {
        var object: [String: JSONValue] = ["target": .string(target), "role": .string(role.rawValue)]
        if let path { object["path"] = .string(path) }
        if let name { object["name"] = .string(name) }
        return .object(object)
    }

    public init?(json: JSONValue) {
        guard let target = json["target"]?.stringValue, let role = json["role"]?.stringValue.flatMap(Role.init(rawValue:)) else {
            return nil
        }
        self.init(target: target, role: role, path: json["path"]?.stringValue, name: json["name"]?.stringValue)
    }
}

extension Component {
    public var json: JSONValue {
        [
            "kind": .string(kind), "name": .string(name), "members": .array(members.map(\.json)),
            "decisions": .array(decisions.map { .string($0) }),
        ]
    }

    public init?(json: JSONValue) {
        guard let kind = json["kind"]?.stringValue, let name = json["name"]?.stringValue,
            let members = json["members"]?.arrayValue?.compactMap(ComponentMember.init(json:)), !members.isEmpty
        else { return nil }
        self.init(kind: kind, name: name, members: members, decisions: (json["decisions"]?.arrayValue ?? []).compactMap(\.stringValue))
    }
}

extension ComponentCandidate {
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "kind": .string(kind), "member": member.json, "name": .string(suggestedName),
            "companions": .array(companions.map(\.json)),
        ]
        if let port { object["port"] = .int(Int64(port)) }
        if let project { object["project"] = .string(project) }
        if let service { object["service"] = .string(service) }
        if let containerName { object["container_name"] = .string(containerName) }
        return .object(object)
    }

    public init?(json: JSONValue) {
        guard let kind = json["kind"]?.stringValue, let member = json["member"].flatMap(ComponentMember.init(json:)),
            let name = json["name"]?.stringValue
        else { return nil }
        self.init(
            kind: kind, member: member, port: json["port"]?.intValue.map { Int($0) }, project: json["project"]?.stringValue,
            service: json["service"]?.stringValue, containerName: json["container_name"]?.stringValue,
            companions: (json["companions"]?.arrayValue ?? []).compactMap(ComponentMember.init(json:)), suggestedName: name)
    }
}
