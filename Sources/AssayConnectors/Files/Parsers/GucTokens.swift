/// The tokens of `guc-file.l` (PostgreSQL's configuration-file lexer), measured on the UTF-8
/// bytes of a line as flex reads them: longest match first, the earlier rule on a tie.
///
/// ```
/// LETTER          [A-Za-z_\200-\377]          (so every byte of a non-ASCII character)
/// LETTER_OR_DIGIT [A-Za-z_0-9\200-\377]
/// ID              {LETTER}{LETTER_OR_DIGIT}*
/// QUALIFIED_ID    {ID}"."{ID}
/// UNQUOTED_STRING {LETTER}({LETTER_OR_DIGIT}|[-._:/])*
/// INTEGER         {SIGN}?({DIGIT}+|0x{HEXDIGIT}+){UNIT_LETTER}*
/// REAL            {SIGN}?({DIGIT}+"."{DIGIT}*|{DIGIT}*"."{DIGIT}+)({EXPONENT})?
/// STRING          \'([^'\\\n]|\\.|\'\')*\'
/// ```
/// A setting is `name [=] value`: the name an ID or QUALIFIED_ID, the value any of these; so
/// `1.5GB` (REAL then ID), `1e5` (INTEGER `1e` then `5`), `/var/lib` and `x.y.z = 1` are syntax
/// errors, as `postgres` says.
enum GucTokens {
    enum Kind: Equatable { case id, qualifiedID, unquotedString, integer, real, string }

    /// The longest token at `start`, its kind and its end; nil when none starts there.
    static func token(_ bytes: [UInt8], at start: Int) -> (kind: Kind, end: Int)? {
        if start < bytes.count, bytes[start] == UInt8(ascii: "'") {
            return stringEnd(bytes, start).map { (.string, $0) }
        }
        // In rule order, so that a tie goes to the earlier rule.
        let candidates: [(Kind, Int)] = [
            (.id, id(bytes, start)), (.qualifiedID, qualifiedID(bytes, start)),
            (.unquotedString, unquotedString(bytes, start)), (.integer, integer(bytes, start)), (.real, real(bytes, start)),
        ]
        var best: (kind: Kind, end: Int)?
        for (kind, end) in candidates where end > start && end > (best?.end ?? start) { best = (kind, end) }
        return best
    }

    // MARK: - Rules (each returns the end of its match, or `start` for none)

    private static func isLetter(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_") || b >= 0x80
    }
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isHexDigit(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x66) }
    private static func isUnitLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }

    private static func run(_ bytes: [UInt8], _ from: Int, _ accept: (UInt8) -> Bool) -> Int {
        var i = from
        while i < bytes.count, accept(bytes[i]) { i += 1 }
        return i
    }

    static func id(_ bytes: [UInt8], _ start: Int) -> Int {
        guard start < bytes.count, isLetter(bytes[start]) else { return start }
        return run(bytes, start + 1) { isLetter($0) || isDigit($0) }
    }

    static func qualifiedID(_ bytes: [UInt8], _ start: Int) -> Int {
        let first = id(bytes, start)
        guard first > start, first < bytes.count, bytes[first] == UInt8(ascii: ".") else { return start }
        let second = id(bytes, first + 1)
        return second > first + 1 ? second : start
    }

    static func unquotedString(_ bytes: [UInt8], _ start: Int) -> Int {
        guard start < bytes.count, isLetter(bytes[start]) else { return start }
        return run(bytes, start + 1) { isLetter($0) || isDigit($0) || "-._:/".utf8.contains($0) }
    }

    private static func sign(_ bytes: [UInt8], _ start: Int) -> Int {
        start < bytes.count && (bytes[start] == UInt8(ascii: "-") || bytes[start] == UInt8(ascii: "+")) ? start + 1 : start
    }

    static func integer(_ bytes: [UInt8], _ start: Int) -> Int {
        let i = sign(bytes, start)
        var end = i
        if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "0"), bytes[i + 1] == UInt8(ascii: "x") {
            let hexEnd = run(bytes, i + 2, isHexDigit)
            end = hexEnd > i + 2 ? hexEnd : run(bytes, i, isDigit)
        } else {
            end = run(bytes, i, isDigit)
        }
        guard end > i else { return start }
        return run(bytes, end, isUnitLetter)
    }

    static func real(_ bytes: [UInt8], _ start: Int) -> Int {
        let i = sign(bytes, start)
        let whole = run(bytes, i, isDigit)
        guard whole < bytes.count, bytes[whole] == UInt8(ascii: ".") else { return start }
        let fraction = run(bytes, whole + 1, isDigit)
        guard whole > i || fraction > whole + 1 else { return start }
        // ({EXPONENT})? = [Ee]{SIGN}?{DIGIT}+
        if fraction < bytes.count, bytes[fraction] | 0x20 == UInt8(ascii: "e") {
            let digits = sign(bytes, fraction + 1)
            let exponentEnd = run(bytes, digits, isDigit)
            if exponentEnd > digits { return exponentEnd }
        }
        return fraction
    }

    /// The end of a quoted string at `start` (just past its closing quote), or nil when unclosed.
    static func stringEnd(_ bytes: [UInt8], _ start: Int) -> Int? {
        var i = start + 1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\\"):
                guard i + 1 < bytes.count, bytes[i + 1] != 0x0A else { return nil }
                i += 2
            case UInt8(ascii: "'"):
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "'") {
                    i += 2
                } else {
                    return i + 1
                }
            case 0x0A:
                return nil
            default:
                i += 1
            }
        }
        return nil
    }
}
