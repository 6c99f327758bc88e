import AssayCore

/// Removes secrets from Redis replies before any check sees them.
///
/// - `CONFIG GET`: the values of parameters that ``SecretRedaction/isSecretKey(_:)`` calls secret
///   (`requirepass`, `masterauth`, `tls-key-file-pass`, `tls-client-key-file-pass`, …) become
///   ``SecretRedaction/describe(_:)``, so a check sees whether a password is set, not what it is.
/// - `ACL LIST`: password hashes `#…` and passwords `>…`, `<…`, `!…` in rules become `#<redacted>` etc.
/// - `SLOWLOG GET`: arguments of `AUTH`, `HELLO … AUTH`, `MIGRATE … AUTH`, `CONFIG SET` of a secret,
///   `ACL SETUSER` passwords (Redis 7 redacts these itself; older servers did not).
enum RedisRedaction {
    static let placeholder = "<redacted>"

    /// The redacted reply of a command sent through `command`.
    static func redact(reply: JSONValue, of argv: [String]) -> JSONValue {
        switch RedisCommandPolicy.name(of: argv) {
        case "CONFIG GET":
            guard case .array(let items) = reply else { return reply }
            var out = items
            for i in stride(from: 0, to: items.count - 1, by: 2) {
                if let name = items[i].stringValue, SecretRedaction.isSecretKey(name) {
                    out[i + 1] = SecretRedaction.describe(items[i + 1].stringValue ?? "")
                }
            }
            return .array(out)
        case "ACL LIST":
            guard case .array(let items) = reply else { return reply }
            return .array(items.map { $0.stringValue.map { .string(redactACLRule($0)) } ?? $0 })
        case "SLOWLOG GET":
            guard case .array(let entries) = reply else { return reply }
            return .array(
                entries.map { entry in
                    guard case .array(var fields) = entry, fields.count > 3, let args = fields[3].arrayValue else {
                        return entry
                    }
                    fields[3] = .array(redactCommandArguments(args.map { $0.stringValue ?? "" }).map(JSONValue.string))
                    return .array(fields)
                })
        default:
            return reply
        }
    }

    /// A config map (`{name = value}`) with secret values described.
    static func redactConfig(_ map: [String: JSONValue]) -> [String: JSONValue] {
        var out = map
        for (name, value) in map where SecretRedaction.isSecretKey(name) {
            out[name] = SecretRedaction.describe(value.stringValue ?? "")
        }
        return out
    }

    /// An ACL rule line (`user default on #9f86… ~* +@all`) without hashes or passwords.
    static func redactACLRule(_ rule: String) -> String {
        rule.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            guard let first = word.first, "#><!".contains(first), word.count > 1 else { return String(word) }
            SecretRegistry.current?.registerFound(String(word.dropFirst()))
            return "\(first)\(placeholder)"
        }.joined(separator: " ")
    }

    /// The arguments of a logged command with any password replaced.
    static func redactCommandArguments(_ args: [String]) -> [String] {
        guard let command = args.first?.uppercased() else { return args }
        var out = args
        func hide(_ i: Int) {
            guard i < out.count else { return }
            SecretRegistry.current?.registerFound(out[i])
            out[i] = placeholder
        }
        switch command {
        case "AUTH":
            for i in 1..<max(1, out.count) { hide(i) }
        case "HELLO":  // HELLO 3 AUTH username password
            for i in args.indices where args[i].uppercased() == "AUTH" { hide(i + 2) }
        case "MIGRATE":  // … AUTH password | AUTH2 username password
            for i in args.indices {
                if args[i].uppercased() == "AUTH" { hide(i + 1) }
                if args[i].uppercased() == "AUTH2" { hide(i + 2) }
            }
        case "SENTINEL":  // SENTINEL SET master auth-pass password
            for i in args.indices.dropLast() where SecretRedaction.isSecretKey(args[i]) { hide(i + 1) }
        case "CONFIG":
            guard args.count > 1, args[1].uppercased() == "SET" else { break }
            for i in stride(from: 2, to: args.count - 1, by: 2) where SecretRedaction.isSecretKey(args[i]) {
                hide(i + 1)
            }
        case "ACL":
            guard args.count > 1, args[1].uppercased() == "SETUSER" else { break }
            for i in 3..<max(3, args.count) {
                if let first = args[i].first, "#><!".contains(first), args[i].count > 1 {
                    SecretRegistry.current?.registerFound(String(args[i].dropFirst()))
                    out[i] = "\(first)\(placeholder)"
                }
            }
        default:
            break
        }
        return out
    }
}
