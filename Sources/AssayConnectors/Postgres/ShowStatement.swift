import AssayCore

/// `SHOW name` and `SHOW ALL`, the one kind of statement that is no query: PostgreSQL cannot
/// EXPLAIN it, so Assay asks the same thing as a query and inspects that like any other.
///
/// Strict on purpose: `SHOW`, white space, then one setting name (letters, digits, `_`, `$`, one
/// `.` for an extension's setting) or `ALL` or one of the three two-word forms, an optional `;`,
/// and nothing else — no comments, no quotes, no parameters. Anything else that starts with SHOW is
/// refused; anything else at all is not a SHOW and goes to the server's inspection.
enum ShowStatement {
    /// The two- and three-word forms and the settings they name.
    static let phrases: [String: String] = [
        "time zone": "timezone",
        "transaction isolation level": "transaction_isolation",
        "session authorization": "session_authorization",
    ]

    /// The query that answers `sql` if it is a SHOW — columns named as SHOW names them — or nil.
    static func query(for sql: String, parameters: [String?]) throws(ConnectorError) -> String? {
        var text = Substring(sql).trimmingWhiteSpace()
        guard text.count > 4, text.prefix(4).lowercased() == "show", let gap = text.dropFirst(4).first,
              gap == " " || gap == "\t" || gap == "\n" || gap == "\r"
        else { return nil }
        text = text.dropFirst(5).trimmingWhiteSpace()
        if text.last == ";" { text = text.dropLast().trimmingWhiteSpace() }
        guard parameters.isEmpty else { throw ConnectorError(.refused, "query refused: SHOW takes no parameters") }
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        let phrase = words.joined(separator: " ")
        if phrase == "all" {
            return "SELECT name, pg_catalog.current_setting(name) AS setting, short_desc AS description "
                + "FROM pg_catalog.pg_settings ORDER BY name"
        }
        let name = phrases[phrase] ?? phrase
        guard words.count == 1 || phrases[phrase] != nil, isSettingName(name) else {
            throw ConnectorError(.refused, "query refused: SHOW takes one setting name, or ALL, and nothing else")
        }
        // `name` is letters, digits, `_`, `$` and at most one `.`: safe inside a quoted identifier.
        return "SELECT pg_catalog.current_setting('\(name)') AS \"\(name)\""
    }

    static func isSettingName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { part in
            guard let first = part.unicodeScalars.first, first == "_" || (first >= "a" && first <= "z") else { return false }
            return part.unicodeScalars.allSatisfy { c in
                c == "_" || c == "$" || (c >= "a" && c <= "z") || (c >= "0" && c <= "9")
            }
        }
    }
}

extension Substring {
    func trimmingWhiteSpace() -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !blank($0) }), let end = lastIndex(where: { !blank($0) }) else {
            return self[endIndex...]
        }
        return self[start...end]
    }
}
