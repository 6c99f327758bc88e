import AssayCore
import Foundation

/// Keeps secrets out of everything Assay produces.
///
/// Connectors never hand a secret to a check: a secret value is replaced, at the connector's
/// boundary, by a description of it (``describe(_:)``) that tells a check what it needs to know —
/// whether it is set, how long it is, whether it is a well-known default, whether it is hashed —
/// and nothing that would reveal it. Every value described is also registered with the run's
/// ``SecretRegistry`` (``SecretRegistry/current``), so that the outputs are scrubbed of it by value
/// wherever else it turns up (`docs/secrets.md`).
public enum SecretRedaction {
    /// Values that anyone would try first (compared lower-case).
    public static let wellKnownWeakValues: Set<String> = [
        "password", "passw0rd", "p@ssw0rd", "postgres", "postgresql", "root", "admin", "administrator", "secret",
        "changeme", "change_me", "change-me", "changeit", "default", "test", "testing", "123456", "12345678",
        "1234567890", "qwerty", "letmein", "redis", "pgbouncer", "mysql", "example", "guest", "pass", "welcome",
        "user", "docker", "toor",
    ]

    /// Whether the value under this key should be treated as a secret: ``SecretKeyRules``, where
    /// every rule is listed with its reason. Case does not matter, `-`, `.` and blanks separate words
    /// like `_` does: `api-key`, `--access-key`, `DB_PW` and `tls-key-file-pass` are secret.
    public static func isSecretKey(_ key: String) -> Bool {
        SecretKeyRules.isSecret(key)
    }

    /// Whether a value is empty of meaning as a secret: a well-known default, a placeholder or very short.
    public static func isWeak(_ value: String) -> Bool {
        let lower = value.lowercased()
        if wellKnownWeakValues.contains(lower) { return true }
        if lower.hasPrefix("change_me") || lower.hasPrefix("changeme") || lower.hasPrefix("change-me") { return true }
        if lower.hasPrefix("your_") || lower.hasPrefix("<") || lower == "xxx" || lower == "todo" { return true }
        return !value.isEmpty && value.count < 8
    }

    /// What form a secret is stored in.
    public static func form(of value: String) -> String {
        if value.isEmpty { return "empty" }
        if value.hasPrefix("SCRAM-SHA-256$") { return "scram-sha-256" }
        if value.hasPrefix("md5"), value.count == 35, value.dropFirst(3).allSatisfy(\.isHexDigit) { return "md5" }
        if value.hasPrefix("#"), value.count == 65 { return "sha256" }
        if value.hasPrefix("${") || value.hasPrefix("$") { return "reference" }
        return "plain"
    }

    /// The description that replaces a secret value:
    /// `{redacted = true, set, length, weak, form}` where form is plain, md5, scram-sha-256,
    /// sha256, reference or empty. Hashed values are never called weak.
    ///
    /// The value is registered with ``SecretRegistry/current`` (when it is plain or hashed), so
    /// that the run's outputs are scrubbed of it wherever else it turns up.
    public static func describe(_ value: String) -> JSONValue {
        let form = form(of: value)
        if form != "empty", form != "reference" { SecretRegistry.current?.registerFound(value) }
        return .object([
            "redacted": .bool(true),
            "set": .bool(!value.isEmpty),
            "length": .int(Int64(value.count)),
            "weak": .bool(form == "plain" && isWeak(value)),
            "form": .string(form),
        ])
    }

    // MARK: - URL passwords

    /// Removes the password (or bare token, ``URLCredentials/bareTokenSchemes``) from the user
    /// information of every URL in the text, keeping everything else:
    /// `postgres://app:s3cret@db:5432/app` becomes `postgres://app:REDACTED@db:5432/app`, also when
    /// the password holds `/`, `#`, `?` or `@`. Text without such a URL comes back unchanged.
    /// - Parameter wholeValue: the text is one URL (a flag, a YAML string), so blanks belong to it.
    public static func redactURL(_ text: String, wholeValue: Bool = false) -> String {
        let bytes = Array(text.utf8)
        let ranges = URLCredentials.readings(in: bytes, wholeValue: wholeValue).compactMap(\.secret).filter { !$0.isEmpty }
        guard !ranges.isEmpty else { return text }
        var out: [UInt8] = []
        var last = 0
        let registry = SecretRegistry.current
        for range in ranges {
            out += bytes[last..<range.lowerBound]
            out += Array(ContextRedaction.urlPlaceholder.utf8)
            last = range.upperBound
            if let registry {
                let raw = String(decoding: bytes[range], as: UTF8.self)
                registry.registerFound(raw)
                if let decoded = PercentEncoding.decode(raw) { registry.registerFound(decoded) }
            }
        }
        out += bytes[last...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether a text holds a URL with a password (or bare token) in it.
    public static func containsURLPassword(_ text: String) -> Bool { !urlPasswords(in: text).isEmpty }

    /// The passwords (and bare tokens) in the user information of the URLs in the text, as written
    /// (not percent-decoded).
    static func urlPasswords(in text: String, wholeValue: Bool = false) -> [String] {
        let bytes = Array(text.utf8)
        return URLCredentials.readings(in: bytes, wholeValue: wholeValue).compactMap(\.secret).filter { !$0.isEmpty }.map {
            String(decoding: bytes[$0], as: UTF8.self)
        }
    }
}
