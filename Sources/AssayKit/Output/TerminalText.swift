/// Text that is safe to put on a terminal: control characters from a check, a file or a server
/// (escape sequences that move the cursor, rewrite the title, or hide what follows) are shown as
/// visible escapes instead of being obeyed.
public enum TerminalText {
    /// `text` with every C0 and C1 control character but the tab shown as `\u{…}`, and line
    /// breaks kept only when `keepingNewlines` is true.
    public static func printable(_ text: String, keepingNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\t" || (keepingNewlines && scalar == "\n") || !isControl(scalar) {
                out.append(scalar)
            } else {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
            || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }
}
