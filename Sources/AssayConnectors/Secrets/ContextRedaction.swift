/// Finds secrets in free text by where they stand, whatever their value: the one place that knows
/// what a password position looks like.
///
/// - the password (or bare token) in a URL's user information (``URLCredentials``);
/// - the value of `name=value`, `name = value`, `--name=value` whose name is secret
///   (``SecretKeyRules``): bare up to a blank or one of `, ; & } ) " '`, or quoted (`'x y'`,
///   `"x \" y"`) with its quotes;
/// - the argument after a secret flag (`--requirepass x`, `--password 'x y'`, `-a x` after
///   `redis-cli`), unless it is itself a flag;
/// - Redis ACL passwords after `user`/`--user`/`SETUSER`: `>pw`, `<pw`, `#hash`, `!hash`;
/// - SQL password literals: `PASSWORD 'x'` (`CREATE ROLE … PASSWORD 'x'` in `pg_stat_activity`);
/// - secrets by shape (``SecretShapes``): PEM private keys, JWTs, service tokens.
///
/// What it removes is also registered with ``SecretRegistry/current``, so that the same value
/// is scrubbed wherever else it turns up in the run's outputs.
public enum ContextRedaction {
    /// What replaces a URL password (the convention of `postgres://app:REDACTED@db/app`).
    public static let urlPlaceholder = "REDACTED"
    /// What replaces any other secret in text.
    public static let placeholder = "[REDACTED]"

    struct Span {
        var range: Range<Int>
        var isURL: Bool
    }

    /// The text with every secret in a password position replaced.
    /// - Parameters:
    ///   - urlPlaceholder: what replaces URL passwords; `placeholder` what replaces the rest.
    public static func redact(
        _ text: String, urlPlaceholder: String = urlPlaceholder, placeholder: String = placeholder
    ) -> String {
        let bytes = Array(text.utf8)
        let spans = self.spans(in: bytes)
        guard !spans.isEmpty else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var last = 0
        let registry = SecretRegistry.current
        for span in spans {
            out += bytes[last..<span.range.lowerBound]
            out += Array((span.isURL ? urlPlaceholder : placeholder).utf8)
            last = span.range.upperBound
            if let registry { register(bytes[span.range], isURL: span.isURL, in: registry) }
        }
        out += bytes[last...]
        return String(decoding: out, as: UTF8.self)
    }

    /// The secrets in password positions, as written (quotes removed).
    public static func secrets(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        return spans(in: bytes).map { unquoted(bytes[$0.range]) }
    }

    private static func register(_ slice: ArraySlice<UInt8>, isURL: Bool, in registry: SecretRegistry) {
        let value = unquoted(slice)
        registry.registerFound(value)
        if isURL, let decoded = PercentEncoding.decode(value), decoded != value { registry.registerFound(decoded) }
    }

    private static func unquoted(_ slice: ArraySlice<UInt8>) -> String {
        var bytes = Array(slice)
        if bytes.count >= 2, let first = bytes.first, first == UInt8(ascii: "'") || first == UInt8(ascii: "\""), bytes.last == first {
            bytes = Array(bytes.dropFirst().dropLast())
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Finding spans

    static func spans(in bytes: [UInt8]) -> [Span] {
        // One pass decides which readers can find anything: most values need none of them.
        var hasScheme = false, hasEquals = false, hasSpace = false, hasQuote = false
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: ":"): if i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/") { hasScheme = true }
            case UInt8(ascii: "="): hasEquals = true
            case 0x20, 0x09, 0x0A, 0x0D: hasSpace = true
            case UInt8(ascii: "'"), UInt8(ascii: "\""): hasQuote = true
            default: break
            }
            i += 1
        }
        var spans: [Span] = []
        if hasScheme {
            for range in URLCredentials.readings(in: bytes).compactMap(\.secret) where !range.isEmpty {
                spans.append(Span(range: range, isURL: true))
            }
        }
        if hasEquals { spans += assignmentSpans(bytes) }
        if hasSpace { spans += tokenSpans(bytes) }  // flags, headers and ACL rules take two words
        if hasSpace, hasQuote { spans += sqlPasswordSpans(bytes) }
        if bytes.count >= 15 { spans += SecretShapes.ranges(in: bytes).map { Span(range: $0, isURL: false) } }
        return merged(spans)
    }

    /// Sorted, without overlaps (overlapping spans become one).
    private static func merged(_ spans: [Span]) -> [Span] {
        guard spans.count > 1 else { return spans }
        let sorted = spans.sorted { $0.range.lowerBound < $1.range.lowerBound }
        var out: [Span] = [sorted[0]]
        for span in sorted.dropFirst() {
            let last = out[out.count - 1]
            if span.range.lowerBound < last.range.upperBound {
                out[out.count - 1] = Span(
                    range: last.range.lowerBound..<max(last.range.upperBound, span.range.upperBound),
                    isURL: last.isURL && span.isURL)
            } else {
                out.append(span)
            }
        }
        return out
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_")
            || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
    }
    private static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    private static func isSpace(_ b: UInt8) -> Bool { isBlank(b) || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C }
    private static func isQuote(_ b: UInt8) -> Bool { b == UInt8(ascii: "'") || b == UInt8(ascii: "\"") }
    private static let valueTerminators: Set<UInt8> = Set(Array(",;&})\"'".utf8))

    /// `name = value` with a secret name.
    private static func assignmentSpans(_ bytes: [UInt8]) -> [Span] {
        var spans: [Span] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "=") else {
                i += 1
                continue
            }
            defer { i += 1 }
            // Not `==`, `!=`, `<=`, `>=`.
            if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "=") {
                i += 1
                continue
            }
            if i > 0, "=!<>".utf8.contains(bytes[i - 1]) { continue }
            var nameEnd = i
            while nameEnd > 0, isBlank(bytes[nameEnd - 1]) { nameEnd -= 1 }
            var nameStart = nameEnd
            while nameStart > 0, nameEnd - nameStart < 80, isNameByte(bytes[nameStart - 1]) { nameStart -= 1 }
            guard nameStart < nameEnd else { continue }
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
            guard SecretKeyRules.isSecret(name) else { continue }
            var valueStart = i + 1
            while valueStart < bytes.count, isBlank(bytes[valueStart]) { valueStart += 1 }
            guard valueStart < bytes.count, !isSpace(bytes[valueStart]) else { continue }
            let valueEnd = endOfValue(bytes, from: valueStart)
            if valueEnd > valueStart {
                spans.append(Span(range: valueStart..<valueEnd, isURL: false))
                i = valueEnd - 1
            }
        }
        return spans
    }

    /// Where a value starting at `start` ends: after its closing quote, or at a blank or terminator.
    private static func endOfValue(_ bytes: [UInt8], from start: Int) -> Int {
        var j = start
        if isQuote(bytes[j]), j + 2 < bytes.count, bytes[j + 1] == bytes[j], bytes[j + 2] != bytes[j] {
            // A doubled quote opens a value quoted inside an outer string (`password=''x y''` in a
            // postgresql.conf value or SQL): it ends at the next doubled quote.
            let quote = bytes[j]
            j += 2
            while j + 1 < bytes.count {
                if bytes[j] == quote, bytes[j + 1] == quote { return j + 2 }
                j += 1
            }
            return bytes.count
        }
        if isQuote(bytes[j]) {
            let quote = bytes[j]
            j += 1
            while j < bytes.count {
                if bytes[j] == UInt8(ascii: "\\") {
                    j += 2
                    continue
                }
                if bytes[j] == quote {
                    // SQL and postgresql.conf double a quote to escape it.
                    if j + 1 < bytes.count, bytes[j + 1] == quote {
                        j += 2
                        continue
                    }
                    return j + 1
                }
                j += 1
            }
            return bytes.count
        }
        while j < bytes.count, !isSpace(bytes[j]), !valueTerminators.contains(bytes[j]) { j += 1 }
        return j
    }

    /// Words that start the credentials of an HTTP `Authorization` header.
    private static let authorizationSchemes: Set<String> = ["bearer", "basic", "token", "digest", "bot"]

    /// Arguments after secret flags, HTTP credentials and Redis ACL rules, token by token.
    private static func tokenSpans(_ bytes: [UInt8]) -> [Span] {
        var spans: [Span] = []
        var pendingSecret = false
        var sawRedisCLI = false
        var aclRules = false
        /// After `Authorization:` (any value is a credential) or a scheme word (a long token is).
        var afterAuthorization = false
        var afterScheme: (always: Bool, pending: Bool) = (false, false)
        var i = 0
        while i < bytes.count {
            while i < bytes.count, isSpace(bytes[i]) {
                if bytes[i] == 0x0A { aclRules = false }
                i += 1
            }
            guard i < bytes.count else { break }
            let start = i
            if pendingSecret, isQuote(bytes[i]) {
                i = endOfValue(bytes, from: i)
            } else {
                while i < bytes.count, !isSpace(bytes[i]) { i += 1 }
            }
            let token = bytes[start..<i]
            if afterScheme.pending {
                afterScheme.pending = false
                var end = i
                while end > start, isQuote(bytes[end - 1]) || bytes[end - 1] == UInt8(ascii: ",") { end -= 1 }
                if end > start, afterScheme.always || end - start >= 16 {
                    spans.append(Span(range: start..<end, isURL: false))
                    continue
                }
            }
            let short = token.count <= 9  // the words looked for below are short: longer tokens skip them
            let schemeWord = short ? String(decoding: token.drop(while: isQuote), as: UTF8.self).lowercased() : ""
            if short, authorizationSchemes.contains(schemeWord) {
                afterScheme = (afterAuthorization, true)
                afterAuthorization = false
                continue
            }
            if afterAuthorization {
                afterAuthorization = false
                var end = i
                while end > start, isQuote(bytes[end - 1]) { end -= 1 }
                if end > start { spans.append(Span(range: start..<end, isURL: false)) }
                continue
            }
            if token.last == UInt8(ascii: ":"), token.count > 1 {
                let name = String(decoding: token.dropLast().drop(while: isQuote), as: UTF8.self)
                if name.lowercased().hasSuffix("authorization") {
                    afterAuthorization = true
                    continue
                }
                // An HTTP header such as `X-Api-Key: …` or `Private-Token: …` (letters, digits and
                // `-` only: not a path that happens to hold a secret-looking word).
                if name.contains("-"), name.first?.isLetter == true,
                    name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }),
                    SecretKeyRules.isSecret(name)
                {
                    pendingSecret = true
                    continue
                }
            }
            if pendingSecret {
                pendingSecret = false
                if token.first != UInt8(ascii: "-") {
                    spans.append(Span(range: start..<i, isURL: false))
                    continue
                }
            }
            if token.count >= 9, token.suffix(9).elementsEqual("redis-cli".utf8) { sawRedisCLI = true }
            let lower = short ? String(decoding: token, as: UTF8.self).lowercased() : ""
            if lower == "user" || lower == "--user" || lower == "setuser" {
                aclRules = true
                continue
            }
            if aclRules, let first = token.first, token.count > 1 {
                if first == UInt8(ascii: ">") || first == UInt8(ascii: "<") {
                    spans.append(Span(range: (start + 1)..<i, isURL: false))
                    continue
                }
                if first == UInt8(ascii: "#") || first == UInt8(ascii: "!"), token.count == 65,
                    token.dropFirst().allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
                {
                    spans.append(Span(range: (start + 1)..<i, isURL: false))
                    continue
                }
                if token.starts(with: "--".utf8) { aclRules = false }
            }
            if isSecretFlag(token) || (sawRedisCLI && lower == "-a") { pendingSecret = true }
        }
        return spans
    }

    /// `-x`/`--name` (no `=`) whose name is secret.
    private static func isSecretFlag(_ token: ArraySlice<UInt8>) -> Bool {
        guard token.first == UInt8(ascii: "-") else { return false }
        let name = token.drop(while: { $0 == UInt8(ascii: "-") })
        guard let first = name.first, (first >= 0x41 && first <= 0x5A) || (first >= 0x61 && first <= 0x7A),
            name.allSatisfy({ isNameByte($0) && $0 != UInt8(ascii: ".") })
        else { return false }
        return SecretKeyRules.isSecret(String(decoding: name, as: UTF8.self))
    }

    private static let passwordWord = Array("password".utf8)

    /// `PASSWORD 'literal'` in SQL (any case), the literal with its quotes.
    private static func sqlPasswordSpans(_ bytes: [UInt8]) -> [Span] {
        var spans: [Span] = []
        var i = 0
        let n = passwordWord.count
        while i + n < bytes.count {
            guard bytes[i] | 0x20 == UInt8(ascii: "p") else {
                i += 1
                continue
            }
            var k = 1
            while k < n, bytes[i + k] | 0x20 == passwordWord[k] { k += 1 }
            let atWord = k == n && (i == 0 || !isNameByte(bytes[i - 1]))
            guard atWord else {
                i += 1
                continue
            }
            var j = i + n
            guard j < bytes.count, isSpace(bytes[j]) else {
                i += n
                continue
            }
            while j < bytes.count, isSpace(bytes[j]) { j += 1 }
            if j < bytes.count, bytes[j] == UInt8(ascii: "'") {
                let end = endOfValue(bytes, from: j)
                spans.append(Span(range: j..<end, isURL: false))
                i = end
            } else {
                i = j
            }
        }
        return spans
    }
}
