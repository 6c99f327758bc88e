/// Text made safe for XML and HTML: the five special characters as entities, and every character
/// XML 1.0 forbids even as a reference (C0 controls but tab, line feed and carriage return; U+FFFE,
/// U+FFFF) shown as a visible `\u{…}` escape, so that a hostile message from a check or a server
/// can neither break the document nor smuggle markup into it.
enum MarkupText {
    /// For element content and attribute values alike (quotes are escaped too).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case "\r": out += "&#13;"
            default:
                if isForbidden(scalar) {
                    out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// For attribute values that must stay on one line: line breaks and tabs as references.
    static func attribute(_ text: String) -> String {
        escape(text).replacingOccurrences(of: "\n", with: "&#10;").replacingOccurrences(of: "\t", with: "&#9;")
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF || (0x7F...0x9F).contains(scalar.value)
    }
}
