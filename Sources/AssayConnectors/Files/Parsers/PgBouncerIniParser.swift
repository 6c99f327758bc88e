import AssayCore

/// Reads `pgbouncer.ini`.
///
/// Follows PgBouncer's ini reader (libusual `cfparser.c`): `;` and `#` start a comment only at the
/// start of a line, a value runs to the end of its line (trailing blanks dropped), keys are made
/// of letters, digits and `_ . - *` (database names may also be double-quoted). `[pgbouncer]`
/// keys are case-insensitive and lowercased here; database and user names keep their case.
/// A later setting replaces an earlier one. `%include` is refused with a parse error: Assay reads
/// each file on its own and would otherwise miss the included settings silently.
///
/// Result:
/// ```
/// { pgbouncer = { auth_type = "md5", listen_port = 6432, … },
///   databases = { app = { host = "postgres", port = 5432, dbname = "app", password = <secret>, … } },
///   users = { name = { pool_mode = "session", … } }, peers = { ["1"] = { host = …, … } },
///   other_sections = { name = { key = value } },
///   lines = { ["pgbouncer.auth_type"] = 12, ["databases.app"] = 20, … } }
/// ```
/// Values made only of digits (with an optional sign and fraction) become numbers, except for
/// settings that are text by nature (``textSettings``, ``textConnectionKeys``).
enum PgBouncerIniParser {
    /// `[pgbouncer]` settings whose digits-only values must stay text.
    static let textSettings: Set<String> = [
        "listen_addr", "unix_socket_mode", "unix_socket_group", "admin_users", "stats_users", "auth_user",
        "auth_dbname", "auth_query", "server_reset_query", "server_check_query", "ignore_startup_parameters",
        "logfile", "pidfile", "auth_file", "auth_hba_file", "syslog_ident", "syslog_facility", "user",
        "track_extra_parameters", "client_tls_ciphers", "server_tls_ciphers", "client_tls_protocols",
        "server_tls_protocols",
    ]

    /// Connection-string keys whose values are always text.
    static let textConnectionKeys: Set<String> = [
        "dbname", "host", "user", "auth_user", "auth_dbname", "application_name", "client_encoding", "datestyle",
        "timezone", "connect_query", "pool_mode", "load_balance_hosts",
    ]

    static let connectionSections: Set<String> = ["databases", "users", "peers"]

    static func parse(_ text: String, path: String) throws(ConfigParseError) -> JSONValue {
        var sections: [String: [String: JSONValue]] = ["pgbouncer": [:], "databases": [:], "users": [:], "peers": [:]]
        var other: [String: [String: JSONValue]] = [:]
        var lines: [String: JSONValue] = [:]
        var section: String?

        // PgBouncer reads the file as a C string: a NUL byte ends it.
        let text = text.firstIndex(of: "\0").map { String(text[..<$0]) } ?? text
        for line in TextLines(text).lines {
            let body = line.text.drop(while: \.isWhitespace)
            guard let first = body.first, first != "#", first != ";" else { continue }
            func fail(_ message: String) -> ConfigParseError {
                ConfigParseError(path: path, line: line.number, message: message)
            }
            if first == "[" {
                guard let close = body.firstIndex(of: "]") else { throw fail("section header without ']'") }
                section = body[body.index(after: body.startIndex)..<close].trimmingBlanks().lowercased()
                if let section, sections[section] == nil, other[section] == nil { other[section] = [:] }
                continue
            }
            if body.hasPrefix("%include") {
                throw fail(
                    "%include is not supported: list the included file's settings in this file or audit it separately")
            }
            let (key, rest) = try readKey(body, fail: fail)
            guard let section else { throw fail("setting \(key) before any [section]") }
            let value = rest.trimmingBlanks()
            if section == "pgbouncer" {
                let name = key.lowercased()
                sections["pgbouncer", default: [:]][name] = settingValue(name, String(value))
                lines["pgbouncer.\(name)"] = .int(Int64(line.number))
            } else if connectionSections.contains(section) {
                let pairs: [(key: String, value: String)]
                do {
                    pairs = try PgBouncerConnectionString.parse(value)
                } catch {
                    throw fail("invalid connection string for \(section) entry \(key): \(error.message)")
                }
                sections[section, default: [:]][key] = connectionTable(pairs)
                lines["\(section).\(key)"] = .int(Int64(line.number))
            } else {
                other[section, default: [:]][key] = TextRedaction.value(String(value), key: key)
                lines["\(section).\(key)"] = .int(Int64(line.number))
            }
        }

        var result: [String: JSONValue] = sections.mapValues { .object($0) }
        result["other_sections"] = .object(other.mapValues { .object($0) })
        result["lines"] = .object(lines)
        return .object(result)
    }

    /// Reads `key` or `"quoted key"` and the `=` after it; returns the key and the text after `=`.
    private static func readKey(
        _ body: Substring, fail: (String) -> ConfigParseError
    ) throws(ConfigParseError) -> (String, Substring) {
        var key = ""
        var rest = body
        if rest.first == "\"" {
            rest = rest.dropFirst()
            guard let close = rest.firstIndex(of: "\"") else { throw fail("unterminated quoted name") }
            key = String(rest[..<close])
            rest = rest[rest.index(after: close)...]
        } else {
            let keyEnd =
                rest.firstIndex { !($0.isASCIILetter || $0.isASCIIDigit || "_.-*".contains($0)) } ?? rest.endIndex
            key = String(rest[..<keyEnd])
            rest = rest[keyEnd...]
        }
        rest = rest.drop(while: \.isBlank)
        guard !key.isEmpty, rest.first == "=" else {
            throw fail(key.isEmpty ? "syntax error: expected name = value" : "syntax error: expected '=' after \(key)")
        }
        return (key, rest.dropFirst())
    }

    private static func settingValue(_ name: String, _ value: String) -> JSONValue {
        if SecretRedaction.isSecretKey(name) { return SecretRedaction.describe(value) }
        if textSettings.contains(name) { return .string(TextRedaction.text(value)) }
        return ScalarTyping.number(TextRedaction.text(value))
    }

    private static func connectionTable(_ pairs: [(key: String, value: String)]) -> JSONValue {
        var table: [String: JSONValue] = [:]
        for (key, value) in pairs {
            if SecretRedaction.isSecretKey(key) {
                table[key] = SecretRedaction.describe(value)
            } else if textConnectionKeys.contains(key) {
                table[key] = .string(TextRedaction.text(value))
            } else {
                table[key] = ScalarTyping.number(TextRedaction.text(value))
            }
        }
        return .object(table)
    }
}

extension Substring {
    /// Without leading and trailing blanks and line breaks.
    func trimmingBlanks() -> Substring {
        var s = self.drop(while: \.isWhitespace)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return s
    }
}
