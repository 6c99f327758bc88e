/// Numbered lines of a configuration file.
///
/// Line endings are normalised first (CRLF and lone CR become LF) and a leading UTF-8 byte order
/// mark is dropped, so every parser counts lines the way an editor shows them.
struct TextLines {
    /// One line without its terminator; `number` is 1-based.
    struct Line {
        var number: Int
        var text: Substring
    }

    let lines: [Line]

    init(_ text: String) {
        let normalised = TextLines.normalise(text)
        var lines: [Line] = []
        var number = 1
        for piece in normalised.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(Line(number: number, text: piece))
            number += 1
        }
        if let last = lines.last, last.text.isEmpty, lines.count > 1 { lines.removeLast() }
        self.lines = lines
    }

    /// The text with LF line endings and without a byte order mark.
    static func normalise(_ text: String) -> String {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.contains("\r") {
            text = text.replacingAll("\r\n", with: "\n").replacingAll("\r", with: "\n")
        }
        return text
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation needed).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}

extension Character {
    /// Space or tab: the separators of every format read here.
    var isBlank: Bool { self == " " || self == "\t" }
}
