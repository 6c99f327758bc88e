import AssayCore

/// Reads `postgresql.conf` and `postgresql.auto.conf`.
///
/// Follows PostgreSQL's `guc-file.l` token for token (``GucTokens``, checked against `postgres -C`
/// in the tests): `name = value` or `name value`, `#` comments, names lowercased (custom names
/// such as `pg_stat_statements.max` allowed, non-ASCII letters too), values a number with an
/// optional unit (`30s`, `0x1F`, `.5`; `1.5GB` unquoted is a syntax error), a word, or
/// single-quoted (`''` or `\'` for a quote, `\n \t \r \b \f`, octal `\ooo`). A later setting
/// replaces an earlier one. `include`, `include_if_exists` and `include_dir` are listed in
/// `includes`, not followed.
///
/// Result:
/// ```
/// { settings = { shared_buffers = { value = "128MB", line = 7, bytes = 134217728 },
///                statement_timeout = { value = "30s", line = 9, ms = 30000 },
///                ssl = { value = "on", line = 12, bool = true },
///                max_connections = { value = "100", line = 5, number = 100 } },
///   includes = { { directive = "include_dir", path = "conf.d", line = 3 } } }
/// ```
/// `number` is given for a bare number; `bytes` for a memory value with a unit (`B kB MB GB TB`)
/// or a bare non-negative number of a known memory setting (``PostgresUnits/memoryDefaults``);
/// `ms` likewise for time (`us ms s min h d`, ``PostgresUnits/timeDefaults``); `bool` for
/// `on off true false yes no 1 0`. Negative values (`-1` = disabled) get `number` only.
enum PostgresConfParser {
    static let includeDirectives: Set<String> = ["include", "include_if_exists", "include_dir"]

    static func parse(_ text: String, path: String) throws(ConfigParseError) -> JSONValue {
        var settings: [String: JSONValue] = [:]
        var includes: [JSONValue] = []
        for line in TextLines(text).lines {
            func fail(_ message: String) -> ConfigParseError {
                ConfigParseError(path: path, line: line.number, message: message)
            }
            // Tokens as guc-file.l reads them, on the line's bytes (see ``GucTokens``).
            let bytes = Array(line.text.utf8)
            func skipBlanks(_ i: Int) -> Int {
                var i = i
                while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0B || bytes[i] == 0x0C { i += 1 }
                return i
            }
            func text(_ from: Int, _ to: Int) -> String { String(decoding: bytes[from..<to], as: UTF8.self) }
            var i = skipBlanks(0)
            guard i < bytes.count, bytes[i] != UInt8(ascii: "#") else { continue }
            guard let nameToken = GucTokens.token(bytes, at: i), [.id, .qualifiedID].contains(nameToken.kind) else {
                throw fail("syntax error: expected a setting name")
            }
            let name = text(i, nameToken.end).lowercased()
            i = skipBlanks(nameToken.end)
            if i < bytes.count, bytes[i] == UInt8(ascii: "=") { i = skipBlanks(i + 1) }
            guard i < bytes.count, bytes[i] != UInt8(ascii: "#") else { throw fail("missing value for \(name)") }
            let value: String
            if bytes[i] == UInt8(ascii: "'") {
                guard let end = GucTokens.stringEnd(bytes, i), let (unquoted, _) = quoted(Substring(text(i, end))) else {
                    throw fail("unterminated quoted value for \(name)")
                }
                value = unquoted
                i = end
            } else {
                guard let token = GucTokens.token(bytes, at: i) else { throw fail("syntax error in the value of \(name)") }
                value = text(i, token.end)
                i = token.end
            }
            i = skipBlanks(i)
            if i < bytes.count, bytes[i] != UInt8(ascii: "#") { throw fail("syntax error after the value of \(name)") }
            let number = JSONValue.int(Int64(line.number))
            if includeDirectives.contains(name) {
                includes.append(["directive": .string(name), "path": .string(value), "line": number])
            } else {
                settings[name] = setting(name, value, line: number)
            }
        }
        return ["settings": .object(settings), "includes": .array(includes)]
    }

    /// `{value, line, number?, bytes?, ms?, bool?}` for one setting.
    static func setting(_ name: String, _ value: String, line: JSONValue) -> JSONValue {
        if SecretRedaction.isSecretKey(name) {
            return ["value": SecretRedaction.describe(value), "line": line]
        }
        var table: [String: JSONValue] = ["value": .string(TextRedaction.text(value)), "line": line]
        if let parsed = PostgresUnits.split(value) {
            if parsed.unit.isEmpty {
                table["number"] = ScalarTyping.number(value).doubleValue.map(exact) ?? .null
                if parsed.number >= 0, let factor = PostgresUnits.memoryDefaults[name] {
                    table["bytes"] = exact((parsed.number * factor).rounded())
                }
                if parsed.number >= 0, let factor = PostgresUnits.timeDefaults[name] {
                    table["ms"] = exact(parsed.number * factor)
                }
            } else if parsed.number >= 0, let factor = PostgresUnits.memory[parsed.unit] {
                table["bytes"] = exact((parsed.number * factor).rounded())
            } else if parsed.number >= 0, let factor = PostgresUnits.time[parsed.unit] {
                table["ms"] = exact(parsed.number * factor)
            }
        }
        switch value.lowercased() {
        case "on", "true", "yes", "1": table["bool"] = true
        case "off", "false", "no", "0": table["bool"] = false
        default: break
        }
        return .object(table.filter { $0.value != .null })
    }

    /// An integer when the number is whole, else a double.
    private static func exact(_ number: Double) -> JSONValue {
        if number == number.rounded(), abs(number) < 9e15 { return .int(Int64(number)) }
        return .double(number)
    }

    /// The value of an octal digit `0`–`7` (ASCII only), or nil.
    private static func octalDigit(_ character: Character) -> Int? {
        guard let ascii = character.asciiValue, (0x30...0x37).contains(ascii) else { return nil }
        return Int(ascii - 0x30)
    }

    /// Reads a single-quoted string at the front of `text`; returns it and the text after it.
    private static func quoted(_ text: Substring) -> (String, Substring)? {
        var value = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let c = text[index]
            let next = text.index(after: index)
            if c == "'" {
                if next < text.endIndex, text[next] == "'" {
                    value.append("'")
                    index = text.index(after: next)
                    continue
                }
                return (value, text[next...])
            }
            if c == "\\", next < text.endIndex {
                var after = text.index(after: next)
                switch text[next] {
                case "b": value.append("\u{08}")
                case "f": value.append("\u{0C}")
                case "n": value.append("\n")
                case "r": value.append("\r")
                case "t": value.append("\t")
                case let digit where octalDigit(digit) != nil:
                    var code = 0
                    var cursor = next
                    var count = 0
                    while cursor < text.endIndex, count < 3, let d = octalDigit(text[cursor]) {
                        code = code * 8 + d
                        cursor = text.index(after: cursor)
                        count += 1
                    }
                    value.unicodeScalars.append(Unicode.Scalar(UInt8(code & 0xFF)))
                    after = cursor
                default: value.append(text[next])
                }
                index = after
                continue
            }
            value.append(c)
            index = next
        }
        return nil
    }
}
