import AssayCore

/// The last pass over everything a run writes or prints: removes secrets by context and by value.
///
/// Connectors already describe secrets before a check sees them; this pass is the net under them,
/// for whatever slipped through (a check that built a message from an error, a value under a key
/// no rule knew, a connector that forgot a field):
/// 1. ``ContextRedaction`` on free text — URL passwords, `password=…`, secret flags, SQL literals,
///    tokens by shape — registering what it finds with the registry;
/// 2. the registry's strong values, in all their forms, wherever they occur (``SecretRegistry/scrub(_:)``);
/// 3. in JSON evidence, a string under a secret-looking key (``SecretKeyRules``) goes whole.
///
/// Call ``learn(_:)`` on every output first, then ``scrub(_:)``: a value found by its context in
/// one output is then scrubbed by value from all of them.
public struct OutputScrubber: Sendable {
    public let registry: SecretRegistry

    public init(registry: SecretRegistry) {
        self.registry = registry
    }

    // MARK: - Text

    /// Registers the secrets that the text holds in password positions.
    public func learn(_ text: String) {
        for secret in ContextRedaction.secrets(in: text) {
            registry.registerFound(secret)
            if let decoded = PercentEncoding.decode(secret), decoded != secret { registry.registerFound(decoded) }
        }
    }

    /// Text without secrets. `context: false` skips pass 1, for text written by check authors
    /// (titles, remediation) where `requirepass = <a long random value>` is advice, not a secret.
    public func scrub(_ text: String, context: Bool = true) -> String {
        let redacted = context ? ContextRedaction.redact(text) : text
        return registry.scrub(redacted)
    }

    // MARK: - JSON

    /// Registers the secrets of every string in the value; with `keys`, also of strings under
    /// secret-looking keys (for evidence a check wrote, not for connector answers, whose keys are
    /// the servers' own: Docker's `SandboxKey` is a path).
    public func learn(_ value: JSONValue, keys: Bool = false) {
        switch value {
        case .string(let text): learn(text)
        case .array(let items): items.forEach { learn($0, keys: keys) }
        case .object(let members):
            for (key, member) in members {
                if keys, case .string(let text) = member, SecretKeyRules.isSecret(key) { registry.registerFound(text) }
                learn(member, keys: keys)
            }
        case .null, .bool, .int, .double: break
        }
    }

    /// The value with every string (and key) scrubbed; with `keys`, a string under a secret-looking
    /// key becomes ``ContextRedaction/placeholder``.
    public func scrub(_ value: JSONValue, keys: Bool = false) -> JSONValue {
        switch value {
        case .string(let text): return .string(scrub(text))
        case .array(let items): return .array(items.map { scrub($0, keys: keys) })
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                let scrubbedKey = registry.scrub(key)
                if keys, case .string(let text) = member, !text.isEmpty, SecretKeyRules.isSecret(key) {
                    out[scrubbedKey] = .string(ContextRedaction.placeholder)
                } else {
                    out[scrubbedKey] = scrub(member, keys: keys)
                }
            }
            return .object(out)
        case .null, .bool, .int, .double: return value
        }
    }
}
