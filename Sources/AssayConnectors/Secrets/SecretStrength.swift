/// Whether a secret is distinctive enough to be removed wherever its text occurs.
///
/// Replacing every occurrence of a password is right for `r8Vq2-kZt9mW4x` and wrong for
/// `postgres`: the user, the database and half the answers are called that, and they would all
/// read `REDACTED`. A weak value — too short, too common, or the same as a name around it — is
/// therefore redacted by its context only (in a URL's user information, after `password=`, under a
/// secret-looking key), and a weak credential given to Assay is reported as a finding.
public enum SecretStrength {
    /// Shorter than this, a value is weak (and would match inside ordinary words).
    public static let minimumLength = 8

    /// Why a value is weak.
    public enum Weakness: Hashable, Sendable, CustomStringConvertible {
        case empty
        /// Fewer than ``minimumLength`` characters.
        case short(length: Int)
        /// A well-known default or a common password, or one with digits or punctuation appended.
        case common
        /// The same as a name around it (`the user name`, `the database name`).
        case sameAs(String)
        /// One character repeated, or a run such as `12345678` or `abcdefgh`.
        case trivial

        public var description: String {
            switch self {
            case .empty: return "empty"
            case .short(let length): return "\(length) characters, fewer than \(SecretStrength.minimumLength)"
            case .common: return "a well-known default or common password"
            case .sameAs(let what): return "the same as \(what)"
            case .trivial: return "a repeated character or a simple run"
            }
        }
    }

    /// Why the value is weak, or nil when it is strong enough to scrub wherever it occurs.
    /// - Parameter names: names around the value, as (what, name): `("the user name", "postgres")`.
    public static func weakness(of value: String, names: [(what: String, name: String)] = []) -> Weakness? {
        if value.isEmpty { return .empty }
        let lower = value.lowercased()
        for (what, name) in names where !name.isEmpty && name.lowercased() == lower { return .sameAs(what) }
        if value.count < minimumLength { return .short(length: value.count) }
        if isCommon(lower) { return .common }
        if isTrivial(Array(lower.unicodeScalars)) { return .trivial }
        return nil
    }

    /// Whether a value is strong: scrubbed wherever it occurs.
    public static func isStrong(_ value: String, names: [(what: String, name: String)] = []) -> Bool {
        weakness(of: value, names: names) == nil
    }

    /// A well-known value, also with digits and punctuation around it (`admin123`, `password1!`).
    static func isCommon(_ lower: String) -> Bool {
        if SecretRedaction.isWeak(lower) && lower.count >= minimumLength { return true }
        let stripped = String(lower.drop(while: { !$0.isLetter }).reversed().drop(while: { !$0.isLetter }).reversed())
        if SecretRedaction.wellKnownWeakValues.contains(stripped) { return true }
        return ["changeme", "change_me", "change-me", "your_", "example", "placeholder"].contains { lower.hasPrefix($0) }
    }

    /// One scalar repeated, or consecutive scalars each one above (or below) the last.
    static func isTrivial(_ scalars: [Unicode.Scalar]) -> Bool {
        guard scalars.count > 1 else { return true }
        if Set(scalars).count == 1 { return true }
        let steps = zip(scalars, scalars.dropFirst()).map { Int($1.value) - Int($0.value) }
        return steps.allSatisfy { $0 == 1 } || steps.allSatisfy { $0 == -1 }
    }
}
