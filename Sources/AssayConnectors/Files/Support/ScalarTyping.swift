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
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
