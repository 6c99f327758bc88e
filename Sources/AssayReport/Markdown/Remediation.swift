/// A remediation text split into prose and configuration snippets.
///
/// Snippets are fenced code blocks in the text (```` ``` ```` or `~~~`, with their info string),
/// and runs of lines that look like configuration: `key = value` lines, with `[section]` headers
/// and `#` or `;` comments among them. Everything else is prose, in paragraphs split at blank lines.
struct Remediation: Equatable {
    enum Part: Equatable {
        case prose(String)
        case snippet(String, language: String?)
    }

    var parts: [Part]

    init(_ text: String) {
        parts = []
        let lines = text.replacing("\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        var prose: [String] = []
        func flushProse() {
            let paragraph = prose.map(MarkdownText.trimmed).joined(separator: " ")
            if !MarkdownText.trimmed(paragraph).isEmpty { parts.append(.prose(paragraph)) }
            prose = []
        }
        var i = 0
        while i < lines.count {
            let line = lines[i]
            if let fence = Remediation.openingFence(line) {
                flushProse()
                var body: [String] = []
                i += 1
                while i < lines.count, !Remediation.closes(lines[i], fence.marker) {
                    body.append(lines[i])
                    i += 1
                }
                i += 1  // the closing fence, or the end of an unclosed block
                parts.append(.snippet(body.joined(separator: "\n"), language: fence.info))
            } else if Remediation.isSetting(line) || Remediation.isSection(line) {
                flushProse()
                var body: [String] = []
                while i < lines.count, Remediation.isSnippetLine(lines[i]) {
                    body.append(MarkdownText.trimmed(lines[i]))
                    i += 1
                }
                parts.append(.snippet(body.joined(separator: "\n"), language: "ini"))
            } else if MarkdownText.trimmed(line).isEmpty {
                flushProse()
                i += 1
            } else {
                prose.append(line)
                i += 1
            }
        }
        flushProse()
    }

    /// The first sentence of the first paragraph, for one-line summaries.
    var firstSentence: String? {
        for case .prose(let text) in parts {
            let chars = Array(text)
            for (i, c) in chars.enumerated() where ".!?".contains(c) {
                if i + 1 == chars.count || chars[i + 1] == " " { return String(chars[...i]) }
            }
            return text
        }
        return nil
    }

    // MARK: - Recognisers

    /// `key = value` where the key is one word of letters, digits, `_`, `.` and `-`.
    static func isSetting(_ line: String) -> Bool {
        let t = MarkdownText.trimmed(line)
        guard let eq = t.firstIndex(of: "=") else { return false }
        let key = MarkdownText.trimmed(String(t[..<eq]))
        let value = MarkdownText.trimmed(String(t[t.index(after: eq)...]))
        guard let first = key.first, first.isLetter || first == "_", !value.isEmpty else { return false }
        return key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }

    /// `[section]`.
    static func isSection(_ line: String) -> Bool {
        let t = MarkdownText.trimmed(line)
        let name = t.dropFirst().dropLast()
        return t.hasPrefix("[") && t.hasSuffix("]") && !name.isEmpty && !name.contains { "[] ".contains($0) }
    }

    /// A line that continues a snippet: a setting, a section header or a comment.
    static func isSnippetLine(_ line: String) -> Bool { isSetting(line) || isSection(line) || isComment(line) }

    static func isComment(_ line: String) -> Bool {
        let t = MarkdownText.trimmed(line)
        return t.hasPrefix("#") || t.hasPrefix(";")
    }

    private struct Fence {
        var marker: String
        var info: String?
    }

    /// A line of at least three backticks or tildes, indented at most three spaces.
    private static func openingFence(_ line: String) -> Fence? {
        let indent = line.prefix { $0 == " " }.count
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard let c = rest.first, c == "`" || c == "~" else { return nil }
        let marker = String(rest.prefix { $0 == c })
        guard marker.count >= 3 else { return nil }
        let info = MarkdownText.trimmed(String(rest.dropFirst(marker.count)))
        if c == "`", info.contains("`") { return nil }
        let word = info.split(separator: " ").first.map(String.init)
        return Fence(marker: marker, info: word)
    }

    private static func closes(_ line: String, _ marker: String) -> Bool {
        let t = MarkdownText.trimmed(line)
        guard let c = marker.first, t.count >= marker.count else { return false }
        return t.allSatisfy { $0 == c } && line.prefix { $0 == " " }.count <= 3
    }
}
