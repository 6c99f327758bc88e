import AssayCore
import Foundation

/// Keeps secrets out of everything Assay produces.
///
/// Connectors never hand a secret to a check: a secret value is replaced, at the connector's
/// boundary, by a description of it (``describe(_:)``) that tells a check what it needs to know —
/// whether it is set, how long it is, whether it is a well-known default, whether it is hashed —
/// and nothing that would reveal it. Reports, transcripts and error messages therefore cannot
/// leak what checks never saw.
public enum SecretRedaction {
    /// Substrings of a key (compared upper-case) that mark its value as secret.
    public static let secretKeyMarkers = [
        "PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY",
        "CREDENTIAL", "AUTH_KEY", "ACCESS_KEY", "MASTERAUTH", "REQUIREPASS",
    ]

    /// Keys that contain a marker but hold no secret (upper-case, `_` for `-`).
    static let nonSecretKeys: Set<String> = [
        "PASSWORD_ENCRYPTION", "PASSWORD_FILE", "PASSFILE", "AUTH_TYPE", "AUTH_FILE",
        "SSL_PASSPHRASE_COMMAND", "SSL_PASSPHRASE_COMMAND_SUPPORTS_RELOAD",
    ]

    /// Values that anyone would try first (compared lower-case).
    public static let wellKnownWeakValues: Set<String> = [
        "password", "passw0rd", "p@ssw0rd", "postgres", "postgresql", "root", "admin", "administrator", "secret",
        "changeme", "change_me", "change-me", "changeit", "default", "test", "testing", "123456", "12345678",
        "1234567890", "qwerty", "letmein", "redis", "pgbouncer", "mysql", "example", "guest", "pass", "welcome",
        "user", "docker", "toor",
    ]

    /// Whether the value under this key should be treated as a secret. Case does not matter, and
    /// `-` counts as `_`: `api-key`, `--access-key` and `tls-key-file-pass` are secret like `API_KEY`.
    public static func isSecretKey(_ key: String) -> Bool {
        let upper = String(key.uppercased().map { $0 == "-" ? "_" : $0 })
        if nonSecretKeys.contains(upper) || upper.hasSuffix("_FILE") { return false }
        return secretKeyMarkers.contains { upper.contains($0) }
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
    public static func describe(_ value: String) -> JSONValue {
        let form = form(of: value)
        return .object([
            "redacted": .bool(true),
            "set": .bool(!value.isEmpty),
            "length": .int(Int64(value.count)),
            "weak": .bool(form == "plain" && isWeak(value)),
            "form": .string(form),
        ])
    }

    // MARK: - URL passwords

    /// Removes the password from the user information of every URL in the text, keeping everything
    /// else: `postgres://app:s3cret@db:5432/app` becomes `postgres://app:REDACTED@db:5432/app`.
    /// Text without such a URL comes back unchanged.
    public static func redactURL(_ text: String) -> String {
        let ranges = urlPasswordRanges(in: text)
        guard !ranges.isEmpty else { return text }
        var out = ""
        var last = text.startIndex
        for range in ranges {
            out += text[last..<range.lowerBound] + "REDACTED"
            last = range.upperBound
        }
        return out + text[last...]
    }

    /// Whether a text holds a URL with a password in it.
    public static func containsURLPassword(_ text: String) -> Bool { !urlPasswordRanges(in: text).isEmpty }

    /// The passwords in the user information of the URLs in the text, as written (not percent-decoded).
    static func urlPasswords(in text: String) -> [String] {
        urlPasswordRanges(in: text).map { String(text[$0]) }
    }

    /// Where the password of each `scheme://user:password@host` in the text is. The authority ends at
    /// `/`, `?`, `#` or a blank; its last `@` ends the user information, whose first `:` starts the password.
    static func urlPasswordRanges(in text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var rest = text[...]
        while let schemeEnd = rest.range(of: "://") {
            rest = rest[schemeEnd.upperBound...]
            let authorityEnd =
                rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0.isWhitespace }) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                ranges.append(text.index(after: colon)..<at)
                rest = rest[at...]
            }
        }
        return ranges
    }
}
