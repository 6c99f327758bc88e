import Foundation

/// Every secret value of one run, so that outputs can be scrubbed of them by value.
///
/// Two kinds of entries:
/// - **credentials the run was given** (``registerCredential(_:target:source:names:)``): the
///   passwords of URLs, `password_env`, `password_file`, `PGPASSWORD`, `~/.pgpass`, assay.yaml;
/// - **values found** under a secret-looking key or in a password position by any connector
///   (``registerFound(_:)``): `.env` and compose secrets, `requirepass`, Docker `Env`, …
///   Redaction code registers them with ``current``, the registry of the connector call being
///   answered (`SecretRedaction.describe` and ``ContextRedaction`` do it).
///
/// A strong value is scrubbed wherever it occurs, in all its ``SecretForms`` (percent-encoded,
/// base64, JSON-escaped). A weak one (``SecretStrength``: short, common, the same as the user
/// name) is not — it would turn every `postgres` of the answers into `REDACTED` — and stays
/// redacted by context only; a weak *credential* is kept in ``weakCredentials`` so the run can
/// report it (never its value).
///
/// The registry is thread-safe and grows during the run; ``scrub(_:)`` uses what is known at the
/// time of the call. To hand it to another process, send ``values`` and ``weakCredentials`` and
/// rebuild with ``register(values:weakCredentials:)``.
///
/// ```swift
/// let secrets = SecretRegistry()
/// secrets.registerCredential("r8Vq2-kZt9mW4x", target: "db", source: "the URL")
/// secrets.scrub("password was r8Vq2-kZt9mW4x")   // "password was REDACTED"
/// ```
public final class SecretRegistry: @unchecked Sendable {  // all mutable state is guarded by `lock`
    /// What replaces a secret found by value.
    public static let replacement = "REDACTED"

    /// A weak credential the run was given: where, and why it is weak — never the value.
    public struct WeakCredential: Hashable, Sendable, Comparable {
        /// The target that was given it.
        public var target: String
        /// Where it came from: `the URL`, `password_env ASSAY_PG_PASSWORD`, `PGPASSWORD`, …
        public var source: String
        /// Why it is weak (``SecretStrength/Weakness``'s description).
        public var reason: String
        /// Its length in characters (what a check's secret description also tells).
        public var length: Int

        public init(target: String, source: String, reason: String, length: Int) {
            self.target = target
            self.source = source
            self.reason = reason
            self.length = length
        }

        public static func < (a: Self, b: Self) -> Bool { (a.target, a.source) < (b.target, b.source) }
    }

    /// The registry of the connector call being answered on this thread, if any.
    @TaskLocal public static var current: SecretRegistry?

    private let lock = NSLock()
    private var strong: Set<String> = []
    private var weak: Set<WeakCredential> = []
    private var matcher: SecretMatcher?

    public init() {}

    // MARK: - Registering

    /// A credential given to the run for `target`. Weak values (`names` are compared too: the
    /// user name, the database name) are kept as weak credentials instead of being scrubbed by value.
    public func registerCredential(
        _ value: String, target: String, source: String, names: [(what: String, name: String)] = []
    ) {
        guard !value.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        if let weakness = SecretStrength.weakness(of: value, names: names) {
            weak.insert(WeakCredential(target: target, source: source, reason: weakness.description, length: value.count))
        } else {
            insertLocked(value)
        }
    }

    /// A value found under a secret-looking key or in a password position. Weak values are left to
    /// redaction by context (the checks judge them from their descriptions).
    public func registerFound(_ value: String) {
        guard SecretStrength.isStrong(value) else { return }
        lock.lock()
        defer { lock.unlock() }
        insertLocked(value)
    }

    /// Values and weak credentials of another registry (another process's, or a sub-run's).
    public func register(values: [String], weakCredentials: [WeakCredential]) {
        lock.lock()
        defer { lock.unlock() }
        for value in values where SecretStrength.isStrong(value) { insertLocked(value) }
        weak.formUnion(weakCredentials)
    }

    private func insertLocked(_ value: String) {
        if strong.insert(value).inserted { matcher = nil }
    }

    // MARK: - Reading

    /// The strong values, sorted (to hand over; never print them).
    public var values: [String] {
        lock.lock()
        defer { lock.unlock() }
        return strong.sorted()
    }

    /// The weak credentials the run was given, sorted by target and source.
    public var weakCredentials: [WeakCredential] {
        lock.lock()
        defer { lock.unlock() }
        return weak.sorted()
    }

    /// Whether no strong value is known.
    public var isEmpty: Bool {
        lock.lock()
        defer { lock.unlock() }
        return strong.isEmpty
    }

    // MARK: - Scrubbing

    /// The text with every known strong secret, in every form, replaced by ``replacement``.
    public func scrub(_ text: String) -> String {
        currentMatcher().replace(in: text, with: Self.replacement)
    }

    /// Whether the text holds a known strong secret in some form.
    public func occurs(in text: String) -> Bool {
        currentMatcher().occurs(in: text)
    }

    private func currentMatcher() -> SecretMatcher {
        lock.lock()
        defer { lock.unlock() }
        if let matcher { return matcher }
        let built = SecretMatcher(patterns: strong.flatMap(SecretForms.forms(of:)))
        matcher = built
        return built
    }
}
