import AssayCore

extension LuaValue {
    /// A component as the prelude reads it: `{name, kind, members = {{target = {name, kind,
    /// address}, role, path, name}…}}` — each member with its target's report identity, so the
    /// prelude can build that target's handle.
    init(component: Component, environment: some CheckEnvironment) {
        let members: [LuaValue] = component.members.map { member in
            var fields: [(key: LuaValue, value: LuaValue)] = [(key: "role", value: .string(member.role.rawValue))]
            let info = environment.target(named: member.target) ?? TargetInfo(name: member.target, kind: "files", address: "")
            fields.append((key: "target", value: LuaValue(info.json)))
            if let path = member.path { fields.append((key: "path", value: .string(path))) }
            if let name = member.name { fields.append((key: "name", value: .string(name))) }
            return .table(fields)
        }
        self = .table([
            (key: "name", value: .string(component.name)), (key: "kind", value: .string(component.kind)),
            (key: "members", value: .array(members)),
        ])
    }
}
