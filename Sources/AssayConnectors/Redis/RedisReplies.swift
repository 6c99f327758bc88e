import AssayCore

/// Turns the text and arrays Redis answers with into typed JSON for checks.
enum RedisReplies {
    // MARK: - INFO

    /// `INFO` text → `{section = {field = value}}`, sections lower-cased (`server`, `memory`,
    /// `commandstats`, `keyspace`). Values are typed (``scalar(_:)``); a value made of
    /// `k=v,k=v` pairs (`db0:keys=1,expires=0`, `cmdstat_info:calls=3,…`) becomes an object.
    static func info(_ text: String) -> JSONValue {
        var sections: [String: [String: JSONValue]] = [:]
        var current = "info"
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                current = line.dropFirst().trimmingCharacters(" ").lowercased()
                sections[current, default: [:]] = sections[current] ?? [:]
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = String(line[..<colon])
            let value = String(line[line.index(after: colon)...])
            sections[current, default: [:]][field] = infoValue(field: field, value)
        }
        return .object(sections.mapValues { .object($0) })
    }

    /// Fields whose values look like numbers but are identifiers.
    static let textFields: Set<String> = [
        "redis_version", "redis_git_sha1", "redis_build_id", "run_id", "master_replid", "master_replid2",
        "executable", "config_file", "gcc_version", "os", "arch_bits",
    ]

    private static func infoValue(field: String, _ value: String) -> JSONValue {
        if textFields.contains(field) { return field == "arch_bits" ? scalar(value) : .string(value) }
        if value.contains("=") {
            let pairs = value.split(separator: ",", omittingEmptySubsequences: false)
            if pairs.allSatisfy({ $0.contains("=") }) {
                var object: [String: JSONValue] = [:]
                for pair in pairs {
                    let eq = pair.firstIndex(of: "=")!
                    object[String(pair[..<eq])] = scalar(String(pair[pair.index(after: eq)...]))
                }
                return .object(object)
            }
        }
        return scalar(value)
    }

    /// `"42"` → 42, `"-1"` → -1, `"1.25"` → 1.25; anything else (`"7.0.15"`, `"00000000"`, `"ok"`,
    /// `"1.02M"`) stays a string.
    static func scalar(_ text: String) -> JSONValue {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return .string(text) }
        let digits = bytes.first == UInt8(ascii: "-") ? bytes.dropFirst() : bytes[...]
        guard let first = digits.first, (48...57).contains(first) else { return .string(text) }
        let isDigit = { (b: UInt8) in (48...57).contains(b) }
        if digits.allSatisfy(isDigit) {
            if digits.count > 1, first == 48 { return .string(text) }  // leading zero: an identifier
            return Int64(text).map(JSONValue.int) ?? .string(text)
        }
        if let dot = digits.firstIndex(of: UInt8(ascii: ".")) {
            let whole = digits[..<dot]
            let fraction = digits[(dot + 1)...]
            if !fraction.isEmpty, whole.allSatisfy(isDigit), fraction.allSatisfy(isDigit),
                !(whole.count > 1 && whole.first == 48), let value = Double(text)
            {
                return .double(value)
            }
        }
        return .string(text)
    }

    // MARK: - CONFIG GET, SLOWLOG, CLIENT LIST, ACL LIST, ROLE

    /// A `CONFIG GET` reply (name, value, name, value…) → `{name = value}`, values as strings.
    static func configMap(_ reply: RedisReply) -> [String: JSONValue] {
        guard case .array(let items) = reply else { return [:] }
        var map: [String: JSONValue] = [:]
        for i in stride(from: 0, to: items.count - 1, by: 2) {
            if let name = items[i].text { map[name] = .string(items[i + 1].text ?? "") }
        }
        return map
    }

    /// A `SLOWLOG GET` reply → `[{id, timestamp, duration_us, args, client, client_name}]`.
    static func slowlog(_ reply: RedisReply) -> JSONValue {
        guard case .array(let entries) = reply else { return .array([]) }
        return .array(
            entries.compactMap { entry -> JSONValue? in
                guard case .array(let f) = entry, f.count >= 4 else { return nil }
                var args: [String] = []
                if case .array(let a) = f[3] { args = a.map { $0.text ?? "" } }
                var object: [String: JSONValue] = [
                    "id": f[0].json, "timestamp": f[1].json, "duration_us": f[2].json,
                    "args": .array(RedisRedaction.redactCommandArguments(args).map(JSONValue.string)),
                ]
                if f.count > 4 { object["client"] = f[4].json }
                if f.count > 5 { object["client_name"] = f[5].json }
                return .object(object)
            })
    }

    /// `CLIENT LIST` text → one `{field = value}` row per client, numbers typed.
    static func clientList(_ text: String) -> JSONValue {
        .array(
            text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).compactMap { line -> JSONValue? in
                let trimmed = line.trimmingCharacters(" \r")
                guard !trimmed.isEmpty else { return nil }
                var row: [String: JSONValue] = [:]
                for field in trimmed.split(separator: " ") {
                    guard let eq = field.firstIndex(of: "=") else { continue }
                    let name = String(field[..<eq])
                    let value = String(field[field.index(after: eq)...])
                    row[name] =
                        ["addr", "laddr", "name", "flags", "events", "cmd", "user", "lib-name", "lib-ver"]
                            .contains(name) ? .string(value) : scalar(value)
                }
                return .object(row)
            })
    }

    /// `ACL LIST` lines → `[{user, enabled, nopass, passwords, rules}]`; `rules` is the rest of the
    /// line with hashes and passwords redacted, `passwords` how many the user has.
    static func aclList(_ reply: RedisReply) -> JSONValue {
        guard case .array(let lines) = reply else { return .array([]) }
        return .array(
            lines.compactMap { line -> JSONValue? in
                guard let text = line.text else { return nil }
                let words = text.split(separator: " ").map(String.init)
                guard words.count >= 2, words[0] == "user" else { return nil }
                let rules = Array(words.dropFirst(2))
                return .object([
                    "user": .string(words[1]),
                    "enabled": .bool(rules.contains("on") && !rules.contains("off")),
                    "nopass": .bool(rules.contains("nopass")),
                    "passwords": .int(Int64(rules.filter { $0.hasPrefix("#") }.count)),
                    "rules": .string(RedisRedaction.redactACLRule(rules.joined(separator: " "))),
                ])
            })
    }

    /// A `ROLE` reply → `{role = "master", replication_offset, replicas = [{ip, port, offset}]}`,
    /// `{role = "slave", master_host, master_port, state, replication_offset}` or
    /// `{role = "sentinel", masters = […]}`.
    static func role(_ reply: RedisReply) -> JSONValue {
        guard case .array(let f) = reply, let role = f.first?.text else { return reply.json }
        var object: [String: JSONValue] = ["role": .string(role)]
        func at(_ i: Int) -> RedisReply? { i < f.count ? f[i] : nil }
        switch role {
        case "master":
            object["replication_offset"] = at(1)?.json ?? .null
            if case .array(let replicas)? = at(2) {
                object["replicas"] = .array(
                    replicas.map { replica in
                        guard case .array(let r) = replica, r.count >= 3 else { return replica.json }
                        return .object([
                            "ip": r[0].json, "port": scalar(r[1].text ?? ""), "offset": scalar(r[2].text ?? ""),
                        ])
                    })
            } else {
                object["replicas"] = .array([])
            }
        case "slave", "replica":
            object["master_host"] = at(1)?.json ?? .null
            object["master_port"] = at(2)?.json ?? .null
            object["state"] = at(3)?.json ?? .null
            object["replication_offset"] = at(4)?.json ?? .null
        case "sentinel":
            object["masters"] = at(1)?.json ?? .array([])
        default:
            object["fields"] = .array(f.dropFirst().map(\.json))
        }
        return .object(object)
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(_ set: String) -> String {
        let drop: (Character) -> Bool = { set.contains($0) }
        guard let start = firstIndex(where: { !drop($0) }), let end = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[start...end])
    }
}
