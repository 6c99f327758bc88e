import Foundation

/// Removes passwords from text that came from a client library or a server (error messages, and
/// libpq's result values) before it leaves a connector.
///
/// Three passes, each cheap when there is nothing to find:
/// 1. every known secret (the explicit password, the one in the connection string or URL,
///    `PGPASSWORD`) is replaced wherever it occurs;
/// 2. URL user information loses its password (`postgres://u:pw@h` → `postgres://u:REDACTED@h`);
/// 3. conninfo-style `password=value` and `sslpassword=value` pairs lose their value.
struct SecretScrubber: Sendable {
    static let replacement = "REDACTED"

    /// Non-empty secrets, longest first so that a secret containing another is removed whole.
    let secrets: [String]
    /// Bytes that may start something to scrub: `:` (of `://`), `p`/`P` (of `password`), and the
    /// first byte of each secret.
    private let interestingBytes: [Bool]

    init(secrets: [String?]) {
        var unique = Set<String>()
        for case let secret? in secrets where !secret.isEmpty { unique.insert(secret) }
        self.secrets = unique.sorted { $0.count > $1.count || ($0.count == $1.count && $0 < $1) }
        var interesting = [Bool](repeating: false, count: 256)
        for byte in [UInt8(ascii: ":"), UInt8(ascii: "p"), UInt8(ascii: "P")] + self.secrets.compactMap(\.utf8.first) {
            interesting[Int(byte)] = true
        }
        self.interestingBytes = interesting
    }

    func scrub(_ text: String) -> String {
        guard mayHoldSecret(text) else { return text }
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: Self.replacement)
        }
        if text.contains("://") { text = SecretRedaction.redactURL(text) }
        if text.range(of: "password", options: .caseInsensitive) != nil { text = Self.redactPasswordPairs(text) }
        return text
    }

    /// One pass over the bytes: false when the text has no `:`, no `p`/`P` and no byte that starts
    /// a known secret — the common case for result values — so those skip the searches below.
    private func mayHoldSecret(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for byte in bytes where interestingBytes[Int(byte)] { return true }
            return false
        }
    }

    // MARK: - conninfo pairs

    /// Redacts the value of `password=…` and `sslpassword=…` (any case, spaces around `=`, quoted
    /// or bare values) wherever they occur, including inside arrays such as `{user=a,password=b}`.
    static func redactPasswordPairs(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        while i < chars.count {
            guard let keyEnd = passwordKeyEnd(chars, at: i) else {
                out.append(chars[i])
                i += 1
                continue
            }
            var j = keyEnd
            while j < chars.count, chars[j] == " " { j += 1 }
            guard j < chars.count, chars[j] == "=" else {
                out.append(contentsOf: chars[i..<keyEnd])
                i = keyEnd
                continue
            }
            j += 1
            while j < chars.count, chars[j] == " " { j += 1 }
            out.append(contentsOf: chars[i..<j])
            out += replacement
            if j < chars.count, chars[j] == "'" || chars[j] == "\"" {
                let quote = chars[j]
                j += 1
                while j < chars.count, chars[j] != quote {
                    j += chars[j] == "\\" ? 2 : 1
                }
                j = min(j + 1, chars.count)
            } else {
                while j < chars.count, !chars[j].isWhitespace, !",;}&)\"'".contains(chars[j]) { j += 1 }
            }
            i = j
        }
        return out
    }

    /// If a `password` or `sslpassword` key starts at `i` (not inside a longer word), where it ends.
    private static func passwordKeyEnd(_ chars: [Character], at i: Int) -> Int? {
        if i > 0, chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_" { return nil }
        for key in ["sslpassword", "password"] {
            let end = i + key.count
            guard end <= chars.count else { continue }
            if String(chars[i..<end]).lowercased() == key { return end }
        }
        return nil
    }
}
