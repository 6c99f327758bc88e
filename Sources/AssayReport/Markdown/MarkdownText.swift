/// Turns untrusted text (messages, resources, evidence, titles: anything a check script or an
/// audited server chose) into Markdown that renders as that text and nothing else.
///
/// The rules follow CommonMark 0.31 and GitHub's cmark-gfm:
/// - text is put on one line: line breaks and control characters become spaces, so it cannot
///   start a new block (heading, list, fence, table row);
/// - `\` `` ` `` `*` `[` `]` `<` `|` `~` `$` `#` are backslash-escaped everywhere (no code span,
///   emphasis, link, HTML, table cell break, strikethrough, math or heading);
/// - `_` is escaped unless it sits between two letters or digits, where it cannot open or close
///   emphasis (so `client_idle_timeout` stays readable);
/// - what would open a block at the start of a line (`>`, `- `, `+ `, `1. `, `1) `, a line of
///   `-` or `=`) is escaped, should the text begin one.
///
/// Code spans and fenced blocks hold text literally; their delimiters are chosen longer than any
/// run of backticks inside.
package enum MarkdownText {
    /// One line: CR, LF and other control characters become spaces; whitespace at both ends is trimmed.
    package static func oneLine(_ s: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
        for scalar in s.unicodeScalars {
            out.unicodeScalars.append(isControl(scalar) ? " " : scalar)
        }
        return trimmed(out)
    }

    /// Untrusted text for prose, headings, list items and table cells.
    package static func escape(_ s: String) -> String {
        let chars = Array(oneLine(s))
        var out = ""
        for (i, c) in chars.enumerated() {
            var escapeIt = false
            switch c {
            case "\\", "`", "*", "[", "]", "<", "|", "~", "$", "#":
                escapeIt = true
            case "_":
                let before = i > 0 && isWordCharacter(chars[i - 1])
                let after = i + 1 < chars.count && isWordCharacter(chars[i + 1])
                escapeIt = !(before && after)
            default:
                break
            }
            if escapeIt { out.append("\\") }
            out.append(c)
        }
        return escapeLineStart(out, chars)
    }

    /// Escapes what would start a block if the text began a line: a block quote (`>`), a list
    /// item (`-`, `+`, `1.`, `1)` followed by a space), a thematic break or setext underline
    /// (a line of only `-` or `=`). `#` and `*` are escaped everywhere already.
    private static func escapeLineStart(_ escaped: String, _ chars: [Character]) -> String {
        guard let first = chars.first else { return escaped }
        let spaceAfter: (Int) -> Bool = { $0 >= chars.count || chars[$0] == " " }
        if first == ">" || ((first == "-" || first == "+") && spaceAfter(1))
            || ((first == "-" || first == "=") && chars.allSatisfy { $0 == first || $0 == " " })
        {
            return "\\" + escaped
        }
        let digits = chars.prefix { $0.isASCII && $0.isNumber }.count
        if (1...9).contains(digits), digits < chars.count, chars[digits] == "." || chars[digits] == ")",
            spaceAfter(digits + 1)
        {
            let i = escaped.index(escaped.startIndex, offsetBy: digits)
            return String(escaped[..<i]) + "\\" + String(escaped[i...])
        }
        return escaped
    }

    /// A code span that shows `s` literally. In a table cell, `|` is escaped as GFM requires
    /// (cmark-gfm removes that backslash inside the span). Empty text shows as `""`.
    package static func code(_ s: String, inTable: Bool = false) -> String {
        var text = oneLine(s)
        if text.isEmpty { return "\"\"" }
        if inTable { text = text.replacing("|", with: "\\|") }
        let fence = String(repeating: "`", count: longestRun(of: "`", in: text) + 1)
        let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return fence + pad + text + pad + fence
    }

    /// A fenced code block holding `text` literally. The fence is longer than any run of
    /// backticks in the text, so no line of it can close the block early.
    static func codeBlock(_ text: String, language: String? = nil) -> String {
        var lines = text.replacing("\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                String(String.UnicodeScalarView(line.unicodeScalars.map { $0 != "\t" && isControl($0) ? " " : $0 }))
            }
        while let first = lines.first, trimmed(first).isEmpty { lines.removeFirst() }
        while let last = lines.last, trimmed(last).isEmpty { lines.removeLast() }
        let body = lines.joined(separator: "\n")
        let fence = String(repeating: "`", count: max(3, longestRun(of: "`", in: body) + 1))
        let info = (language ?? "").filter { $0.isASCII && ($0.isLetter || $0.isNumber || "+-_.".contains($0)) }
        return fence + info + "\n" + body + (body.isEmpty ? "" : "\n") + fence
    }

    // MARK: - Helpers

    static func trimmed(_ s: String) -> String {
        var scalars = Substring(s)
        while let f = scalars.first, f == " " || f == "\t" { scalars.removeFirst() }
        while let l = scalars.last, l == " " || l == "\t" { scalars.removeLast() }
        return String(scalars)
    }

    static func longestRun(of character: Character, in s: String) -> Int {
        var best = 0
        var run = 0
        for c in s {
            run = c == character ? run + 1 : 0
            best = max(best, run)
        }
        return best
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
    }

    private static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }
}
