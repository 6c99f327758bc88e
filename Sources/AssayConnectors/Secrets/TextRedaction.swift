import AssayCore

/// Keeps secrets out of configuration values that are not themselves secrets.
///
/// A value under a secret-looking key is replaced whole by ``SecretRedaction/describe(_:)``.
/// Any other text is scrubbed token by token (tokens are separated by blanks):
/// - a URL with a password keeps everything but the password (``SecretRedaction/redactURL(_:)``);
/// - `name=value` with a secret-looking name (`password=…` in a libpq string, `PGPASSWORD=…`,
///   `--password=…`) keeps the name and loses the value;
/// - a secret-looking flag (`--requirepass`, `--password`, and `-a` after `redis-cli`) loses the
///   argument that follows it, unless that argument is itself a flag.
///
/// Quoting inside a single string is not understood: `-a 'two words'` loses only `'two`. In a list
/// of arguments (``arguments(_:)``) the element after a secret flag goes whole.
enum TextRedaction {
    /// What replaces a secret inside text.
    static let placeholder = "[REDACTED]"

    /// The value under `key`: a secret description when the key marks a secret, scrubbed text otherwise.
    static func value(_ value: String, key: String) -> JSONValue {
        SecretRedaction.isSecretKey(key) ? SecretRedaction.describe(value) : .string(text(value))
    }

    /// Text with secrets replaced by ``placeholder``.
    static func text(_ text: String) -> String {
        guard mayHoldSecret(text) else { return text }
        var state = State()
        var out = ""
        var token = ""
        for character in text {
            if character.isWhitespace {
                if !token.isEmpty {
                    out += state.scrub(token)
                    token = ""
                }
                out.append(character)
            } else {
                token.append(character)
            }
        }
        if !token.isEmpty { out += state.scrub(token) }
        return out
    }

    /// A command given as a list of arguments, scrubbed with the same rules across elements.
    ///
    /// The element after a secret-looking flag is replaced whole, blanks and all
    /// (`["--requirepass", "two words"]`), unless it is itself a flag. Any other element with blanks
    /// (`sh -c` scripts, `CMD-SHELL` healthchecks) is scrubbed as ``text(_:)``.
    static func arguments(_ arguments: [String]) -> [String] {
        var state = State()
        return arguments.map { argument in
            if state.pendingSecret, !argument.hasPrefix("-") {
                state.pendingSecret = false
                return placeholder
            }
            if argument.contains(where: \.isWhitespace) {
                state.pendingSecret = false
                return text(argument)
            }
            return state.scrub(argument)
        }
    }

    /// A cheap test that lets most values through untouched.
    private static func mayHoldSecret(_ text: String) -> Bool {
        text.contains("=") || text.contains("://") || text.contains("-")
    }

    private struct State {
        var pendingSecret = false
        var sawRedisCLI = false

        mutating func scrub(_ token: String) -> String {
            if pendingSecret {
                pendingSecret = false
                if !token.hasPrefix("-") { return TextRedaction.placeholder }
            }
            if token.hasSuffix("redis-cli") { sawRedisCLI = true }
            if let (name, prefixLength) = TextRedaction.assignmentName(token), SecretRedaction.isSecretKey(name) {
                let head = token.prefix(prefixLength)
                return token.count > prefixLength ? head + TextRedaction.placeholder : String(head)
            }
            if TextRedaction.isSecretFlag(token) || (sawRedisCLI && token == "-a") {
                pendingSecret = true
                return token
            }
            return SecretRedaction.redactURL(token)
        }
    }

    /// For `--name=value` or `NAME=value`: the name, and the length of everything up to and including `=`.
    private static func assignmentName(_ token: String) -> (String, Int)? {
        guard let equals = token.firstIndex(of: "=") else { return nil }
        var name = token[..<equals]
        while name.first == "-" || name.first == "'" || name.first == "\"" { name = name.dropFirst() }
        guard let first = name.first, first.isASCIILetter || first == "_",
            name.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == "." || $0 == "-" })
        else { return nil }
        return (String(name), token.distance(from: token.startIndex, to: equals) + 1)
    }

    private static func isSecretFlag(_ token: String) -> Bool {
        guard token.hasPrefix("-") else { return false }
        let name = token.drop(while: { $0 == "-" })
        guard let first = name.first, first.isASCIILetter,
            name.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == "-" })
        else { return false }
        return SecretRedaction.isSecretKey(String(name))
    }
}
