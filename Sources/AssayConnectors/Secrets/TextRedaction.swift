import AssayCore

/// Keeps secrets out of configuration values that are not themselves secrets.
///
/// A value under a secret-looking key is replaced whole by ``SecretRedaction/describe(_:)``.
/// Any other text goes through ``ContextRedaction``: a URL with a password keeps everything but the
/// password; `name=value` and `name = 'x y'` with a secret-looking name keep the name and lose the
/// value; a secret-looking flag (`--requirepass`, `--password`, and `-a` after `redis-cli`) loses
/// the argument that follows it, unless that argument is itself a flag; Redis ACL passwords after
/// `--user` lose their text; secrets by shape (PEM keys, JWTs, service tokens) go whole.
///
/// In a list of arguments (``arguments(_:)``) the element after a secret flag goes whole, blanks
/// and all.
enum TextRedaction {
    /// What replaces a secret inside text.
    static let placeholder = ContextRedaction.placeholder

    /// The value under `key`: a secret description when the key marks a secret, scrubbed text otherwise.
    static func value(_ value: String, key: String) -> JSONValue {
        SecretRedaction.isSecretKey(key) ? SecretRedaction.describe(value) : .string(text(value))
    }

    /// Text with secrets replaced by ``placeholder`` (URL passwords by `REDACTED`).
    static func text(_ text: String) -> String {
        ContextRedaction.redact(text)
    }

    /// A command given as a list of arguments, scrubbed with the same rules across elements.
    ///
    /// The element after a secret-looking flag is replaced whole, blanks and all
    /// (`["--requirepass", "two words"]`), unless it is itself a flag. Any other element with blanks
    /// (`sh -c` scripts, `CMD-SHELL` healthchecks) is scrubbed as ``text(_:)``.
    static func arguments(_ arguments: [String]) -> [String] {
        var pendingSecret = false
        var sawRedisCLI = false
        var aclRules = false
        return arguments.map { argument in
            if pendingSecret {
                pendingSecret = false
                if !argument.hasPrefix("-") {
                    SecretRegistry.current?.registerFound(argument)
                    return placeholder
                }
            }
            if argument.contains(where: \.isWhitespace) { return text(argument) }
            let lower = argument.lowercased()
            if lower.hasSuffix("redis-cli") { sawRedisCLI = true }
            if lower == "--user" || lower == "user" {
                aclRules = true
                return argument
            }
            if aclRules, let first = argument.first, argument.count > 1 {
                if first == ">" || first == "<" {
                    SecretRegistry.current?.registerFound(String(argument.dropFirst()))
                    return "\(first)\(placeholder)"
                }
                if lower.hasPrefix("--") { aclRules = false }
            }
            if isSecretFlag(argument) || (sawRedisCLI && argument == "-a") {
                pendingSecret = true
                return argument
            }
            return text(argument)
        }
    }

    /// `-x` or `--name` without `=`, whose name is secret.
    private static func isSecretFlag(_ token: String) -> Bool {
        guard token.hasPrefix("-") else { return false }
        let name = token.drop(while: { $0 == "-" })
        guard let first = name.first, first.isASCIILetter,
            name.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == "-" })
        else { return false }
        return SecretRedaction.isSecretKey(String(name))
    }
}
