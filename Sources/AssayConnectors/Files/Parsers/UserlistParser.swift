import AssayCore

/// Reads PgBouncer's auth file (`userlist.txt`): one `"user" "password"` pair per line.
///
/// Inside quotes `""` stands for one `"`, as in PgBouncer's reader. Blank lines and lines starting
/// with `;` or `#` are skipped; any other line that is not a pair is a parse error (PgBouncer
/// would skip it silently, so the user it names could not log in).
///
/// Result: `{users = [{user, password = <secret>, line}]}` in file order. The password's
/// description tells `form` = `md5`, `scram-sha-256` or `plain` (a plain-text password).
enum UserlistParser {
    static func parse(_ text: String, path: String) throws(ConfigParseError) -> JSONValue {
        var users: [JSONValue] = []
        for line in TextLines(text).lines {
            let body = line.text.drop(while: \.isWhitespace)
            guard let first = body.first, first != ";", first != "#" else { continue }
            var rest = body
            guard let user = quoted(&rest) else {
                throw ConfigParseError(path: path, line: line.number, message: "expected \"user\" \"password\"")
            }
            rest = rest.drop(while: \.isBlank)
            guard let password = quoted(&rest) else {
                throw ConfigParseError(
                    path: path, line: line.number, message: "expected a quoted password after user \(user)")
            }
            users.append([
                "user": .string(user), "password": SecretRedaction.describe(password), "line": .int(Int64(line.number)),
            ])
        }
        return ["users": .array(users)]
    }

    /// Reads one `"…"` field from the front of `text`, or nil.
    private static func quoted(_ text: inout Substring) -> String? {
        guard text.first == "\"" else { return nil }
        var value = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let c = text[index]
            if c == "\"" {
                let next = text.index(after: index)
                if next < text.endIndex, text[next] == "\"" {
                    value.append("\"")
                    index = text.index(after: next)
                    continue
                }
                text = text[next...]
                return value
            }
            value.append(c)
            index = text.index(after: index)
        }
        return nil
    }
}
