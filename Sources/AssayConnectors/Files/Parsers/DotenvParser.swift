import AssayCore

/// Reads `.env` files the way docker compose (and, where they agree, python-dotenv) reads them.
///
/// - `KEY=value`, `export KEY=value` and `KEY: value`; blanks around `=` are allowed; `#` starts a
///   comment line; names are letters and digits of any script and `_ . - [ ]` (compose-go's
///   rule); a name alone on its line is left unset (compose would take it from its shell).
/// - Unquoted values are trimmed and end at ` #` (a `#` after a blank starts an inline comment).
/// - Single quotes are literal (`\'` is a quote); double quotes understand `\n`, `\r`, `\t`, `\"`,
///   `\\` and `\$`; both may span lines.
/// - `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}` (and `:?`, `:+`) expand in unquoted and
///   double-quoted values, from keys defined earlier in the same file only — never from the
///   environment of the process running the audit, so that an audit is repeatable.
/// - A later definition of a key replaces an earlier one.
///
/// Result: `{variables = {KEY = value}, lines = {KEY = line}, missing = [names]}`; a value under a
/// secret-looking key is a ``SecretRedaction/describe(_:)`` table.
enum DotenvParser {
    /// One variable as compose would see it. `value` may be a secret: it never leaves the connector.
    struct Entry {
        var key: String
        var value: String
        var line: Int
        /// The value with text taken from secret variables replaced.
        var redacted: String
        /// Whether the key is secret-looking or the value was built from a secret variable.
        var isSecret: Bool
    }

    /// A parsed `.env` file, with its secrets; see ``document(_:)`` for what checks get.
    struct File {
        var entries: [String: Entry] = [:]
        var missing: [String] = []

        func value(of key: String) -> String? { entries[key]?.value }
        func isSecret(_ key: String) -> Bool { entries[key]?.isSecret ?? SecretRedaction.isSecretKey(key) }
    }

    static func parse(_ text: String, path: String) throws(ConfigParseError) -> JSONValue {
        document(try read(text, path: path))
    }

    /// What checks see: secrets described, other values scrubbed.
    static func document(_ file: File) -> JSONValue {
        var variables: [String: JSONValue] = [:]
        var lines: [String: JSONValue] = [:]
        for (key, entry) in file.entries {
            if SecretRedaction.isSecretKey(key) {
                variables[key] = SecretRedaction.describe(entry.value)
            } else {
                variables[key] = .string(TextRedaction.text(entry.redacted))
            }
            lines[key] = .int(Int64(entry.line))
        }
        return .object([
            "variables": .object(variables), "lines": .object(lines),
            "missing": .array(file.missing.map { .string($0) }),
        ])
    }

    static func read(_ text: String, path: String) throws(ConfigParseError) -> File {
        var reader = Reader(chars: Array(TextLines.normalise(text)), path: path)
        return try reader.run()
    }

    // MARK: - Reader

    private struct Reader {
        let chars: [Character]
        let path: String
        var index = 0
        var line = 1
        var file = File()
        var missing = Set<String>()

        init(chars: [Character], path: String) {
            self.chars = chars
            self.path = path
        }

        var current: Character? { index < chars.count ? chars[index] : nil }

        mutating func run() throws(ConfigParseError) -> File {
            while true {
                skipBlanks()
                guard let c = current else { break }
                if c == "\n" {
                    advance()
                    continue
                }
                if c == "#" {
                    skipToEndOfLine()
                    continue
                }
                try readAssignment()
            }
            file.missing = missing.sorted()
            return file
        }

        mutating func readAssignment() throws(ConfigParseError) {
            let startLine = line
            var key = readName()
            if key == "export", let c = current, c.isBlank {
                skipBlanks()
                key = readName()
            }
            guard !key.isEmpty else {
                throw fail(startLine, "invalid variable name (letters, digits, _ . - [ ] expected)")
            }
            skipBlanks()
            // A name alone on its line takes its value from the shell running compose, which an
            // audit never reads: the variable stays unset here, as compose-go reads it.
            if current == nil || current == "\n" { return }
            // compose-go also takes the YAML-like `KEY: value`.
            guard current == "=" || current == ":" else { throw fail(startLine, "expected '=' after \(key)") }
            advance()
            skipBlanks()
            var expanded: Interpolation.Expanded
            switch current {
            case "'":
                expanded = Interpolation.Expanded()
                expanded.appendLiteral(try readSingleQuoted(key, startLine))
                try expectEndOfLine(key)
            case "\"":
                expanded = try readDoubleQuoted(key, startLine)
                try expectEndOfLine(key)
            default:
                expanded = try readUnquoted(key, startLine)
            }
            missing.formUnion(expanded.missing)
            let isSecret = SecretRedaction.isSecretKey(key) || expanded.usedSecret
            file.entries[key] = Entry(
                key: key, value: expanded.value, line: startLine, redacted: expanded.redacted, isSecret: isSecret)
        }

        /// A variable name as compose-go reads one: letters and digits of any script, `_ . - [ ]`.
        mutating func readName() -> String {
            var name = ""
            while let c = current, c.isLetter || c.isNumber || "_.-[]".contains(c) {
                name.append(c)
                advance()
            }
            return name
        }

        mutating func readSingleQuoted(_ key: String, _ startLine: Int) throws(ConfigParseError) -> String {
            advance()
            var value = ""
            while let c = current {
                if c == "\\", index + 1 < chars.count, chars[index + 1] == "'" {
                    value.append("'")
                    advance()
                    advance()
                    continue
                }
                if c == "'" {
                    advance()
                    return value
                }
                value.append(c)
                advance()
            }
            throw fail(startLine, "unterminated single-quoted value for \(key)")
        }

        mutating func readDoubleQuoted(_ key: String, _ startLine: Int) throws(ConfigParseError)
            -> Interpolation.Expanded
        {
            // Find the closing quote first, so that nothing below can read past it.
            var close = index + 1
            while close < chars.count, chars[close] != "\"" {
                close += chars[close] == "\\" ? 2 : 1
            }
            guard close < chars.count else { throw fail(startLine, "unterminated double-quoted value for \(key)") }
            let body = chars[(index + 1)..<close]
            line += body.filter { $0 == "\n" }.count
            index = close + 1

            var out = Interpolation.Expanded()
            let interpolation = makeInterpolation()
            let braces = Interpolation.BraceMatches(body)
            var cursor = body.startIndex
            while cursor < body.endIndex {
                let c = body[cursor]
                if c == "\\", cursor + 1 < body.endIndex {
                    let escaped = body[cursor + 1]
                    switch escaped {
                    case "n": out.appendLiteral("\n")
                    case "r": out.appendLiteral("\r")
                    case "t": out.appendLiteral("\t")
                    case "\"", "\\", "$": out.appendLiteral(String(escaped))
                    default: out.appendLiteral("\\" + String(escaped))
                    }
                    cursor += 2
                } else if c == "$" {
                    do {
                        try interpolation.expandDollar(body, at: &cursor, into: &out, braces: braces)
                    } catch {
                        throw fail(startLine, "\(key): \(error.message)")
                    }
                } else {
                    out.appendLiteral(String(c))
                    cursor += 1
                }
            }
            return out
        }

        mutating func readUnquoted(_ key: String, _ startLine: Int) throws(ConfigParseError) -> Interpolation.Expanded {
            var raw: [Character] = []
            var previous: Character = " "
            while let c = current, c != "\n" {
                if c == "#", previous.isBlank {
                    skipToEndOfLine()
                    break
                }
                raw.append(c)
                previous = c
                advance()
            }
            while let last = raw.last, last.isBlank { raw.removeLast() }
            do {
                return try makeInterpolation().expand(ArraySlice(raw))
            } catch {
                throw fail(startLine, "\(key): \(error.message)")
            }
        }

        /// After a closing quote only blanks and a comment may follow.
        mutating func expectEndOfLine(_ key: String) throws(ConfigParseError) {
            skipBlanks()
            guard let c = current, c != "\n" else { return }
            guard c == "#" else { throw fail(line, "unexpected text after the closing quote of \(key)") }
            skipToEndOfLine()
        }

        func makeInterpolation() -> Interpolation {
            let file = self.file
            return Interpolation(
                mode: .dotenv, lookup: { file.value(of: $0) }, isSecret: { file.isSecret($0) })
        }

        mutating func advance() {
            if current == "\n" { line += 1 }
            index += 1
        }

        mutating func skipBlanks() {
            while let c = current, c.isBlank { index += 1 }
        }

        mutating func skipToEndOfLine() {
            while let c = current, c != "\n" { index += 1 }
        }

        func fail(_ line: Int, _ message: String) -> ConfigParseError {
            ConfigParseError(path: path, line: line, message: message)
        }
    }
}
