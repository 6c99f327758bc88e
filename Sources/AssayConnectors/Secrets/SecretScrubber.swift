/// Removes passwords from text that came from a client library or a server (error messages, and
/// libpq's result values) before it leaves a connector.
///
/// Two passes, each cheap when there is nothing to find:
/// 1. every known strong secret (the explicit password, the one in the connection string or URL,
///    `PGPASSWORD`) is replaced wherever it occurs, in its encoded forms too; a weak one
///    (``SecretStrength``: short, common, the same as the user name) is not, so that a password
///    `postgres` does not turn the user and database `postgres` of every answer into `REDACTED`;
/// 2. secrets in password positions go, whatever their value (``ContextRedaction``): URL user
///    information (`postgres://u:pw@h` → `postgres://u:REDACTED@h`), `password=value`,
///    `password = 'x y'`, SQL `PASSWORD 'x'`.
struct SecretScrubber: Sendable {
    static let replacement = "REDACTED"

    /// Non-empty strong secrets, longest first.
    let secrets: [String]
    private let matcher: SecretMatcher

    /// - Parameters:
    ///   - secrets: the secrets to remove by value (nil and empty ones are ignored).
    ///   - names: names around them (the user name, the database name): a secret equal to one is weak.
    init(secrets: [String?], names: [(what: String, name: String)] = []) {
        var unique = Set<String>()
        for case let secret? in secrets where SecretStrength.isStrong(secret, names: names) { unique.insert(secret) }
        self.secrets = unique.sorted { $0.count > $1.count || ($0.count == $1.count && $0 < $1) }
        matcher = SecretMatcher(patterns: self.secrets.flatMap(SecretForms.forms(of:)))
    }

    func scrub(_ text: String) -> String {
        let byValue = matcher.replace(in: text, with: Self.replacement)
        guard Self.mayHoldContext(byValue) else { return byValue }
        return ContextRedaction.redact(byValue, urlPlaceholder: Self.replacement, placeholder: Self.replacement)
    }

    /// A cheap test that lets most result values through untouched: anything in a password
    /// position needs a `:` (of `://`) or an `=`, or at least a few words (`--password x`, SQL
    /// `PASSWORD 'x'`, a token by shape).
    private static func mayHoldContext(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.count >= 10 || bytes.contains(UInt8(ascii: ":")) || bytes.contains(UInt8(ascii: "="))
        }
    }

    // MARK: - conninfo pairs

    /// Redacts the value of `password=…`, `sslpassword=…` and every other secret-looking name (any
    /// case, spaces around `=`, quoted or bare values) wherever they occur, including inside arrays
    /// such as `{user=a,password=b}`.
    static func redactPasswordPairs(_ text: String) -> String {
        ContextRedaction.redact(text, urlPlaceholder: replacement, placeholder: replacement)
    }
}
