/// Values that are secrets by their shape, whatever key they sit under: private keys in PEM, JSON
/// Web Tokens and the tokens of well-known services, which announce themselves with a prefix.
///
/// Each rule gives its reason; `SecretShapesTests` proves each with an example. Ranges are UTF-8
/// byte offsets.
enum SecretShapes {
    /// A token that starts with a fixed prefix and continues with enough characters of a set.
    struct PrefixRule: Sendable {
        let prefixes: [String]
        let characters: CharacterSet
        let minimumLength: Int
        let reason: String
        let example: String
    }

    enum CharacterSet: Sendable {
        case alphanumeric, alphanumericUnderscore, base64URL, upperAlphanumeric, alphanumericDash

        func contains(_ b: UInt8) -> Bool {
            let alnum = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            switch self {
            case .alphanumeric: return alnum
            case .alphanumericUnderscore: return alnum || b == UInt8(ascii: "_")
            case .base64URL: return alnum || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
            case .upperAlphanumeric: return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A)
            case .alphanumericDash: return alnum || b == UInt8(ascii: "-")
            }
        }
    }

    /// Service tokens, by prefix (the services document these prefixes so that scanners find them).
    static let prefixRules: [PrefixRule] = [
        PrefixRule(prefixes: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], characters: .alphanumeric, minimumLength: 30,
                   reason: "a GitHub token", example: "ghp_" + String(repeating: "a1B2", count: 9)),
        PrefixRule(prefixes: ["github_pat_"], characters: .alphanumericUnderscore, minimumLength: 22,
                   reason: "a GitHub fine-grained token", example: "github_pat_" + String(repeating: "Ab1_", count: 8)),
        PrefixRule(prefixes: ["glpat-"], characters: .base64URL, minimumLength: 20,
                   reason: "a GitLab personal access token", example: "glpat-" + String(repeating: "x9Y-", count: 6)),
        PrefixRule(prefixes: ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"], characters: .alphanumericDash, minimumLength: 10,
                   reason: "a Slack token", example: "xoxb-1234567890-abcdefghij"),
        PrefixRule(prefixes: ["sk_live_", "rk_live_", "sk_test_", "rk_test_"], characters: .alphanumeric, minimumLength: 16,
                   reason: "a Stripe secret or restricted key", example: "sk_live_" + String(repeating: "4eC3", count: 6)),
        PrefixRule(prefixes: ["AKIA", "ASIA"], characters: .upperAlphanumeric, minimumLength: 16,
                   reason: "an AWS access key id", example: "AKIA" + "IOSFODNN7EXAMPLE"),
        PrefixRule(prefixes: ["AIza"], characters: .base64URL, minimumLength: 35,
                   reason: "a Google API key", example: "AIza" + String(repeating: "SyD-", count: 9)),
        PrefixRule(prefixes: ["npm_"], characters: .alphanumeric, minimumLength: 36,
                   reason: "an npm access token", example: "npm_" + String(repeating: "Zz09", count: 9)),
    ]

    static let pemReason = "a private key in PEM (`-----BEGIN … PRIVATE KEY-----` to its END line)"
    static let jwtReason = "a JSON Web Token (three base64url parts, the first two JSON objects: `eyJ…`)"

    /// Where secrets by shape are in the bytes.
    static func ranges(in bytes: [UInt8]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let atWordStart = i == 0 || !CharacterSet.alphanumericUnderscore.contains(bytes[i - 1])
            if b == UInt8(ascii: "-"), let pem = privateKeyBlock(bytes, at: i) {
                found.append(pem)
                i = pem.upperBound
                continue
            }
            if atWordStart, b == UInt8(ascii: "e"), let jwt = webToken(bytes, at: i) {
                found.append(jwt)
                i = jwt.upperBound
                continue
            }
            if atWordStart, let token = prefixedToken(bytes, at: i) {
                found.append(token)
                i = token.upperBound
                continue
            }
            i += 1
        }
        return found
    }

    // MARK: - Matchers

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8], at i: Int) -> Bool {
        guard i + prefix.count <= bytes.count else { return false }
        for k in 0..<prefix.count where bytes[i + k] != prefix[k] { return false }
        return true
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0], hasPrefix(bytes, needle, at: i) { return i }
            i += 1
        }
        return nil
    }

    private static let begin = Array("-----BEGIN ".utf8)
    private static let end = Array("-----END ".utf8)
    private static let dashes = Array("-----".utf8)
    private static let privateKey = Array("PRIVATE KEY".utf8)

    /// `-----BEGIN … PRIVATE KEY-----` through the end of its `-----END …-----` line (or the text).
    private static func privateKeyBlock(_ bytes: [UInt8], at i: Int) -> Range<Int>? {
        guard hasPrefix(bytes, begin, at: i) else { return nil }
        let labelStart = i + begin.count
        let labelWindow = Array(bytes[labelStart..<min(bytes.count, labelStart + 45)])  // labels are short: stay linear
        guard let labelOffset = firstIndex(of: dashes, in: labelWindow, from: 0) else { return nil }
        let labelEnd = labelStart + labelOffset
        guard
            firstIndex(of: privateKey, in: Array(bytes[labelStart..<labelEnd]), from: 0) != nil
        else { return nil }
        guard let endLine = firstIndex(of: end, in: bytes, from: labelEnd + dashes.count),
            let close = firstIndex(of: dashes, in: bytes, from: endLine + end.count)
        else { return i..<bytes.count }
        return i..<(close + dashes.count)
    }

    /// `eyJ….eyJ….sig`: three base64url parts of at least 10 characters each.
    private static func webToken(_ bytes: [UInt8], at i: Int) -> Range<Int>? {
        guard hasPrefix(bytes, Array("eyJ".utf8), at: i) else { return nil }
        var j = i
        for part in 0..<3 {
            let start = j
            while j < bytes.count, CharacterSet.base64URL.contains(bytes[j]) { j += 1 }
            guard j - start >= 10 else { return nil }
            if part < 2 {
                guard j < bytes.count, bytes[j] == UInt8(ascii: ".") else { return nil }
                if part == 0, !hasPrefix(bytes, Array("eyJ".utf8), at: j + 1) { return nil }
                j += 1
            }
        }
        return i..<j
    }

    private static let prefixBytes: [(rule: PrefixRule, prefix: [UInt8])] = prefixRules.flatMap { rule in
        rule.prefixes.map { (rule, Array($0.utf8)) }
    }

    private static func prefixedToken(_ bytes: [UInt8], at i: Int) -> Range<Int>? {
        for (rule, prefix) in prefixBytes where bytes[i] == prefix[0] && hasPrefix(bytes, prefix, at: i) {
            var j = i + prefix.count
            while j < bytes.count, rule.characters.contains(bytes[j]) { j += 1 }
            if j - (i + prefix.count) >= rule.minimumLength { return i..<j }
        }
        return nil
    }
}
