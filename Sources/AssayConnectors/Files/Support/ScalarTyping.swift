import AssayCore

/// Turns configuration text into typed JSON values where the text is plainly a number.
enum ScalarTyping {
    /// `"20"` → 20, `"-1"` → -1, `"0.5"` → 0.5; anything else stays a string.
    static func number(_ text: String) -> JSONValue {
        if let int = integer(text) { return .int(int) }
        if let double = decimal(text) { return .double(double) }
        return .string(text)
    }

    /// A decimal integer with an optional sign, or nil.
    static func integer(_ text: String) -> Int64? {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    /// A decimal fraction such as `0.5` or `-1.25` (no exponent), or nil.
    static func decimal(_ text: String) -> Double? {
        var body = Substring(text)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }) else {
            return nil
        }
        return Double(text)
    }
}

extension Character {
    // By the character's single ASCII value, never by comparing characters: `"8\u{301}"` (an 8
    // with a combining accent) sorts between "0" and "9" but is no digit, and no parser may think so.
    var isASCIIDigit: Bool { asciiValue.map { (0x30...0x39).contains($0) } ?? false }
    var isASCIILetter: Bool {
        asciiValue.map { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) } ?? false
    }
}
