import AssayCore

/// Reads `redis.conf`.
///
/// Follows Redis's loader (`loadServerConfigFromString` and `sdssplitargs`): one directive per
/// line, `#` starts a comment line, arguments are separated by blanks and may be double-quoted
/// (`\n \r \t \b \a \\ \" \xHH`) or single-quoted (`\'`); a closing quote must be followed by a
/// blank or the end of the line. Directive names are lowercased.
///
/// Result:
/// ```
/// { settings = { bind = "0.0.0.0 ::1", ["protected-mode"] = "no", save = "900 1", requirepass = <secret> },
///   directives = { { name = "save", args = { "900", "1" }, line = 12 }, … },
///   users = { default = { line, enabled, nopass, passwords = { <secret>… }, rules = { "~*", "+@all" } } },
///   renamed_commands = { config = { disabled = true, line = 40 } },
///   includes = { { path, line } },
///   bytes = { maxmemory = 2147483648 } }
/// ```
/// `settings` holds the last occurrence of each directive, its arguments joined by one space.
/// Secrets: the arguments of `requirepass`, `masterauth` and any other secret-looking directive,
/// the `>pass`, `<pass`, `#hash`, `!hash` rules of `user`, and the new names of `rename-command`
/// (a renamed command is only as safe as its name is secret).
enum RedisConfParser {
    /// Directives whose value is a size in bytes (`bytes` gives it as a number).
    static let memoryDirectives: Set<String> = [
        "maxmemory", "repl-backlog-size", "client-query-buffer-limit", "proto-max-bulk-len",
        "active-defrag-ignore-bytes", "auto-aof-rewrite-min-size", "maxmemory-clients",
    ]

    static func parse(_ text: String, path: String) throws(ConfigParseError) -> JSONValue {
        var settings: [String: JSONValue] = [:]
        var directives: [JSONValue] = []
        var users: [String: JSONValue] = [:]
        var renamed: [String: JSONValue] = [:]
        var includes: [JSONValue] = []
        var bytes: [String: JSONValue] = [:]

        for line in TextLines(text).lines {
            let body = line.text.trimmingBlanks()
            guard let first = body.first, first != "#" else { continue }
            guard var args = splitArguments(body) else {
                throw ConfigParseError(
                    path: path, line: line.number, message: "unbalanced quotes in configuration line")
            }
            guard !args.isEmpty else { continue }
            let name = args.removeFirst().lowercased()
            let number = JSONValue.int(Int64(line.number))
            let shown: [JSONValue]
            if SecretRedaction.isSecretKey(name) {
                shown = args.map { SecretRedaction.describe($0) }
                settings[name] = SecretRedaction.describe(args.joined(separator: " "))
            } else {
                switch name {
                case "user" where !args.isEmpty:
                    shown = [.string(args[0])] + args.dropFirst().map(aclRule)
                    users[args[0]] = aclUser(Array(args.dropFirst()), line: number)
                case "rename-command" where args.count >= 2:
                    shown =
                        [.string(args[0]), SecretRedaction.describe(args[1])] + args.dropFirst(2).map { .string($0) }
                    renamed[args[0].lowercased()] = ["disabled": .bool(args[1].isEmpty), "line": number]
                default:
                    let secret = SecretArgumentRules.secretIndexes(directive: name, arguments: args)  // sentinel auth-pass
                    shown = args.enumerated().map { index, arg in
                        secret.contains(index) ? SecretRedaction.describe(arg) : .string(TextRedaction.text(arg))
                    }
                }
                settings[name] = .string(
                    shown.map { $0.stringValue ?? TextRedaction.placeholder }.joined(separator: " "))
            }
            if name == "include", let target = args.first {
                includes.append(["path": .string(target), "line": number])
            }
            if memoryDirectives.contains(name), args.count == 1, let value = memoryBytes(args[0]) {
                bytes[name] = .int(value)
            }
            directives.append(["name": .string(name), "args": .array(shown), "line": number])
        }
        return [
            "settings": .object(settings), "directives": .array(directives), "users": .object(users),
            "renamed_commands": .object(renamed), "includes": .array(includes), "bytes": .object(bytes),
        ]
    }

    // MARK: - Arguments

    /// Splits a line as `sdssplitargs` does; nil on unbalanced quotes.
    static func splitArguments(_ line: Substring) -> [String]? {
        let chars = Array(line)
        var args: [String] = []
        var index = 0
        while true {
            while index < chars.count, chars[index].isWhitespace { index += 1 }
            guard index < chars.count else { return args }
            var current = ""
            var inDouble = false
            var inSingle = false
            var done = false
            while !done {
                if inDouble {
                    guard index < chars.count else { return nil }
                    let c = chars[index]
                    if c == "\\", index + 3 < chars.count, chars[index + 1] == "x",
                        let high = chars[index + 2].hexDigitValue, let low = chars[index + 3].hexDigitValue
                    {
                        current.unicodeScalars.append(Unicode.Scalar(UInt8(high * 16 + low)))
                        index += 3
                    } else if c == "\\", index + 1 < chars.count {
                        index += 1
                        switch chars[index] {
                        case "n": current.append("\n")
                        case "r": current.append("\r")
                        case "t": current.append("\t")
                        case "b": current.append("\u{08}")
                        case "a": current.append("\u{07}")
                        default: current.append(chars[index])
                        }
                    } else if c == "\"" {
                        if index + 1 < chars.count, !chars[index + 1].isWhitespace { return nil }
                        done = true
                    } else {
                        current.append(c)
                    }
                } else if inSingle {
                    guard index < chars.count else { return nil }
                    let c = chars[index]
                    if c == "\\", index + 1 < chars.count, chars[index + 1] == "'" {
                        index += 1
                        current.append("'")
                    } else if c == "'" {
                        if index + 1 < chars.count, !chars[index + 1].isWhitespace { return nil }
                        done = true
                    } else {
                        current.append(c)
                    }
                } else {
                    guard index < chars.count else { break }
                    switch chars[index] {
                    case let c where c.isWhitespace: done = true
                    case "\"": inDouble = true
                    case "'": inSingle = true
                    default: current.append(chars[index])
                    }
                }
                if index < chars.count { index += 1 }
            }
            args.append(current)
        }
    }

    // MARK: - ACL users

    /// A `user` rule as shown to checks: password rules become secret descriptions.
    private static func aclRule(_ rule: String) -> JSONValue {
        guard let first = rule.first else { return .string(rule) }
        switch first {
        case ">", "<": return SecretRedaction.describe(String(rule.dropFirst()))
        case "#", "!": return SecretRedaction.describe("#" + rule.dropFirst())
        default: return .string(rule)
        }
    }

    /// The effect of a `user` line: enabled, nopass, the passwords left, the other rules.
    private static func aclUser(_ rules: [String], line: JSONValue) -> JSONValue {
        var enabled = false
        var nopass = false
        var passwords: [String] = []
        var other: [String] = []
        for rule in rules {
            switch rule.lowercased() {
            case "on": enabled = true
            case "off": enabled = false
            case "nopass":
                nopass = true
                passwords = []
            case "resetpass":
                nopass = false
                passwords = []
            case "reset":
                enabled = false
                nopass = false
                passwords = []
                other = []
            default:
                switch rule.first {
                case ">":
                    passwords.append(String(rule.dropFirst()))
                    nopass = false
                case "#":
                    passwords.append("#" + rule.dropFirst())
                    nopass = false
                case "<": passwords.removeAll { $0 == String(rule.dropFirst()) }
                case "!": passwords.removeAll { $0 == "#" + rule.dropFirst() }
                default: other.append(rule)
                }
            }
        }
        return [
            "line": line, "enabled": .bool(enabled), "nopass": .bool(nopass),
            "passwords": .array(passwords.map { SecretRedaction.describe($0) }),
            "rules": .array(other.map { .string($0) }),
        ]
    }

    // MARK: - Units

    /// Redis's `memtoull`: digits (none is 0) and an optional unit, `b`, `k` = 1000, `kb` = 1024,
    /// likewise m/mb, g/gb, case-insensitive; no sign, no fraction. Checked against redis-server 7:
    /// `b`, `0100` and `18446744073709551615` load, `+1`, `-1`, `1.5gb`, `1tb` do not. Values past
    /// `Int64.max` (Redis takes up to 2^64 − 1) saturate there: both mean "no limit" in practice.
    static func memoryBytes(_ text: String) -> Int64? {
        let lower = text.lowercased()
        let digits = lower.prefix { $0.isASCIIDigit }
        let units: [String: UInt64] = [
            "": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1_000_000, "mb": 1 << 20, "g": 1_000_000_000, "gb": 1 << 30,
        ]
        guard let factor = units[String(lower.dropFirst(digits.count))] else { return nil }
        guard let number = digits.isEmpty ? 0 : UInt64(digits) else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: factor)
        guard !overflow else { return nil }
        return Int64(clamping: bytes)
    }
}
