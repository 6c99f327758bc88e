/// Where the credentials are in URLs, including passwords written with reserved characters.
///
/// RFC 3986 ends the authority at the first `/`, `?` or `#`, so `postgres://app:ab/cd@db/app`
/// has, strictly, no user information at all, and libpq would read `ab` as a port. People write
/// such URLs anyway. Two readings are made of every URL:
/// - **strict**: the authority ends at the first `/`, `?` or `#`; its last `@` ends the user
///   information, whose first `:` starts the password;
/// - **lenient**, for a URL whose strict reading is not a plausible `host[:port][,host[:port]…]`
///   or which has another `@host` further on: the user is everything up to the first `:` (no `@`,
///   `/`, `?`, `#` in it) and the password runs to the last `@` that is followed by a plausible
///   host and then `/`, `?`, `#` or the end.
///
/// A user information without `:` (`https://TOKEN@github.com`) is a bare token for the schemes of
/// ``bareTokenSchemes`` (HTTP and friends, where it is a credential); for database schemes it is a
/// user name (`postgres://assay@db/app`).
///
/// Ranges are in UTF-8 bytes of the text. The cuts fall next to ASCII bytes only.
enum URLCredentials {
    /// Schemes whose user information without a password is itself a credential (an API token).
    static let bareTokenSchemes: Set<String> = ["http", "https", "git+https", "ws", "wss", "ftp", "ftps", "git+http"]

    /// One URL taken apart. Ranges are byte offsets into the text that was read.
    struct Reading: Equatable {
        /// The scheme, lower-case.
        var scheme: String
        /// Where the text after `://` starts and where the URL ends.
        var start: Int
        var end: Int
        /// The user, when there is user information.
        var user: Range<Int>?
        /// The password (after the user's `:`), when there is one.
        var password: Range<Int>?
        /// The user information is a bare token (``bareTokenSchemes``), not a user name.
        var bareToken: Bool
        /// Where the host starts (after the `@`, or at `start`).
        var hostStart: Int
        /// Whether the strict reading (RFC 3986, as libpq and hiredis read URLs) gives a plausible host.
        var strictPlausible: Bool
        /// Whether the lenient reading replaced the strict one.
        var lenientUsed = false

        /// Whether either reading makes sense of the URL.
        var isPlausible: Bool { strictPlausible || lenientUsed }

        /// What to hide: the password, or a bare token.
        var secret: Range<Int>? { bareToken ? user : password }
    }

    // MARK: - Reading

    /// Every URL in the text. `wholeValue`: the text is one value (a flag, a YAML string, a `.env`
    /// value), so blanks belong to the URL; otherwise a URL ends at a blank, unless its lenient
    /// reading reaches over blanks on the same line to a plausible `@host`.
    static func readings(in text: String, wholeValue: Bool = false) -> [Reading] {
        let bytes = Array(text.utf8)
        return readings(in: bytes, wholeValue: wholeValue)
    }

    static func readings(in bytes: [UInt8], wholeValue: Bool = false) -> [Reading] {
        let starts = schemeMarks(bytes)
        var result: [Reading] = []
        for (index, mark) in starts.enumerated() {
            let nextScheme = index + 1 < starts.count ? starts[index + 1].schemeStart : bytes.count
            if let reading = read(bytes, mark: mark, limit: nextScheme, wholeValue: wholeValue) {
                if let last = result.last, reading.start < last.end { continue }
                result.append(reading)
            }
        }
        return result
    }

    /// The one URL a whole value is, if it is one (`scheme://…` from its first byte).
    static func reading(ofURL url: String) -> Reading? {
        let bytes = Array(url.utf8)
        guard let mark = schemeMarks(bytes).first, mark.schemeStart == 0 else { return nil }
        return read(bytes, mark: mark, limit: bytes.count, wholeValue: true)
    }

    /// The URL as a client should connect with it: the strict reading when it is plausible (that is
    /// what the user meant and what libpq and hiredis do), else the lenient one.
    static func connectionReading(ofURL url: String) -> Reading? {
        let bytes = Array(url.utf8)
        guard let mark = schemeMarks(bytes).first, mark.schemeStart == 0 else { return nil }
        let strict = read(bytes, mark: mark, limit: bytes.count, wholeValue: true, lenientAllowed: false)
        if strict?.strictPlausible == true { return strict }
        return read(bytes, mark: mark, limit: bytes.count, wholeValue: true)
    }

    /// The byte ranges of secrets (passwords, bare tokens) in the text.
    static func secretRanges(in text: String, wholeValue: Bool = false) -> [Range<Int>] {
        readings(in: text, wholeValue: wholeValue).compactMap(\.secret).filter { !$0.isEmpty }
    }

    // MARK: - Internals

    private struct SchemeMark {
        var schemeStart: Int
        /// The byte after `://`.
        var afterSlashes: Int
        var scheme: String
    }

    private static func isSchemeByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2D
            || b == 0x2E
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) }

    /// Every `scheme://` in the bytes.
    private static func schemeMarks(_ bytes: [UInt8]) -> [SchemeMark] {
        var marks: [SchemeMark] = []
        var i = 0
        let colon = UInt8(ascii: ":"), slash = UInt8(ascii: "/")
        while i + 2 < bytes.count {
            if bytes[i] == colon, bytes[i + 1] == slash, bytes[i + 2] == slash {
                var s = i
                while s > 0, isSchemeByte(bytes[s - 1]) { s -= 1 }
                while s < i, !isLetter(bytes[s]) { s += 1 }  // a scheme starts with a letter
                if s < i {
                    let scheme = String(decoding: bytes[s..<i], as: UTF8.self).lowercased()
                    marks.append(SchemeMark(schemeStart: s, afterSlashes: i + 3, scheme: scheme))
                }
                i += 3
            } else {
                i += 1
            }
        }
        return marks
    }

    private static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    private static func isLineEnd(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }
    /// Bytes that end a URL in running text.
    private static func endsURLInText(_ b: UInt8) -> Bool {
        isBlank(b) || isLineEnd(b) || b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "<")
            || b == UInt8(ascii: ">") || b == UInt8(ascii: "`") || b == 0
    }
    private static func isAuthorityEnd(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#")
    }

    private static func read(
        _ bytes: [UInt8], mark: SchemeMark, limit: Int, wholeValue: Bool, lenientAllowed: Bool = true
    ) -> Reading? {
        let start = mark.afterSlashes
        guard start <= limit else { return nil }
        // Where the URL ends: the limit for a whole value, else the first byte that ends a URL in text.
        var end = start
        if wholeValue {
            end = limit
        } else {
            while end < limit, !endsURLInText(bytes[end]) { end += 1 }
        }
        var reading = Reading(
            scheme: mark.scheme, start: start, end: end, user: nil, password: nil, bareToken: false, hostStart: start,
            strictPlausible: false)

        // Strict.
        var authorityEnd = start
        while authorityEnd < end, !isAuthorityEnd(bytes[authorityEnd]) { authorityEnd += 1 }
        if let at = lastIndex(of: UInt8(ascii: "@"), in: bytes, start..<authorityEnd) {
            let colon = firstIndex(of: UInt8(ascii: ":"), in: bytes, start..<at)
            reading.user = start..<(colon ?? at)
            if let colon { reading.password = (colon + 1)..<at }
            reading.bareToken = colon == nil && at > start && bareTokenSchemes.contains(mark.scheme)
            reading.hostStart = at + 1
            reading.strictPlausible = isPlausibleHostList(bytes, (at + 1)..<authorityEnd)
        } else {
            reading.strictPlausible = isPlausibleHostList(bytes, start..<authorityEnd)
        }

        // Lenient: a password holding `/ ? # @` (within the URL) or, when the strict reading makes
        // no sense, blanks up to the end of the line (running text).
        guard lenientAllowed else { return reading }
        var lenient = lenientPassword(bytes, start: start, limit: end)
        if lenient == nil, !wholeValue, !reading.strictPlausible {
            lenient = lenientPassword(bytes, start: start, limit: lineEnd(bytes, from: end, limit: limit))
        }
        if let lenient, lenient.password.upperBound > (reading.password?.upperBound ?? -1) {
            reading.user = start..<(lenient.password.lowerBound - 1)
            reading.password = lenient.password
            reading.bareToken = false
            reading.hostStart = lenient.password.upperBound + 1
            reading.end = max(reading.end, lenient.hostEnd)
            reading.lenientUsed = true
        }
        return reading
    }

    /// The lenient password: after the first `:` (with no `@ / ? #` before it), up to the last `@`
    /// followed by a plausible host and then `/`, `?`, `#` or the end.
    private static func lenientPassword(_ bytes: [UInt8], start: Int, limit: Int) -> (password: Range<Int>, hostEnd: Int)? {
        var colon: Int?
        var i = start
        while i < limit {
            let b = bytes[i]
            if b == UInt8(ascii: ":") { colon = i; break }
            if b == UInt8(ascii: "@") || isAuthorityEnd(b) || isBlank(b) { return nil }
            i += 1
        }
        guard let colon else { return nil }
        var best: (Range<Int>, Int)?
        var j = colon + 1
        while j < limit {
            if bytes[j] == UInt8(ascii: "@") {
                // The host runs to `/ ? #`, the end of the URL, or the next `@` (then it is no host:
                // stopping there keeps the whole search linear).
                var hostEnd = j + 1
                while hostEnd < limit, !isAuthorityEnd(bytes[hostEnd]), !endsURLInText(bytes[hostEnd]),
                    bytes[hostEnd] != UInt8(ascii: "@")
                {
                    hostEnd += 1
                }
                let ended = hostEnd == limit || bytes[hostEnd] != UInt8(ascii: "@")
                if ended, hostEnd > j + 1, isPlausibleHostList(bytes, (j + 1)..<hostEnd) {
                    best = ((colon + 1)..<j, hostEnd)
                }
                j = hostEnd
                continue
            }
            j += 1
        }
        return best.map { (password: $0.0, hostEnd: $0.1) }
    }

    /// Where the line that `from` is on ends (a line break or the limit).
    private static func lineEnd(_ bytes: [UInt8], from: Int, limit: Int) -> Int {
        var i = from
        while i < limit, !isLineEnd(bytes[i]), bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "'") { i += 1 }
        return i
    }

    /// `host[:port]` items separated by `,` (libpq's multi-host form); a host is a name, an IPv4
    /// address, `[IPv6]` or empty (libpq takes the host from the query then).
    static func isPlausibleHostList(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        if range.isEmpty { return true }
        var itemStart = range.lowerBound
        for i in range.lowerBound...range.upperBound {
            if i == range.upperBound || bytes[i] == UInt8(ascii: ",") {
                guard isPlausibleHost(bytes, itemStart..<i) else { return false }
                itemStart = i + 1
            }
        }
        return true
    }

    private static func isPlausibleHost(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        if i < range.upperBound, bytes[i] == UInt8(ascii: "[") {
            guard let close = firstIndex(of: UInt8(ascii: "]"), in: bytes, range) else { return false }
            for b in bytes[(i + 1)..<close] where !(isHexDigit(b) || b == UInt8(ascii: ":") || b == UInt8(ascii: ".") || b == UInt8(ascii: "%")) {
                return false
            }
            i = close + 1
            if i == range.upperBound { return true }
            guard bytes[i] == UInt8(ascii: ":") else { return false }
        } else {
            while i < range.upperBound, bytes[i] != UInt8(ascii: ":") {
                let b = bytes[i]
                guard isLetter(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
                    || b == UInt8(ascii: "_") || b == UInt8(ascii: "%") || b >= 0x80
                else { return false }
                i += 1
            }
        }
        guard i < range.upperBound else { return true }
        // `:port`: digits only (or nothing).
        let port = bytes[(i + 1)..<range.upperBound]
        return port.count <= 5 && port.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    private static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
    }

    private static func firstIndex(of byte: UInt8, in bytes: [UInt8], _ range: Range<Int>) -> Int? {
        var i = range.lowerBound
        while i < range.upperBound {
            if bytes[i] == byte { return i }
            i += 1
        }
        return nil
    }

    private static func lastIndex(of byte: UInt8, in bytes: [UInt8], _ range: Range<Int>) -> Int? {
        var i = range.upperBound
        while i > range.lowerBound {
            i -= 1
            if bytes[i] == byte { return i }
        }
        return nil
    }
}
