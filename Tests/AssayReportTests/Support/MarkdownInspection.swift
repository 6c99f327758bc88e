/// Reads rendered Markdown the way GitHub's cmark-gfm would, as far as the tests need.
struct MarkdownInspection {
    let text: String
    let lines: [String]

    init(_ text: String) {
        self.text = text
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The lines that are not inside a fenced code block (fence lines themselves excluded).
    /// A fence opened by N backticks or tildes closes only on a line of at least N of the same.
    var linesOutsideFences: [String] {
        var out: [String] = []
        var open: (Character, Int)? = nil
        for line in lines {
            let trimmed = line.drop { $0 == " " }
            let marker = trimmed.first.flatMap { $0 == "`" || $0 == "~" ? $0 : nil }
            let run = marker.map { m in trimmed.prefix { $0 == m }.count } ?? 0
            if let (c, n) = open {
                if marker == c, run >= n, trimmed.allSatisfy({ $0 == c || $0 == " " }) { open = nil }
                continue
            }
            if let marker, run >= 3 {
                open = (marker, run)
                continue
            }
            out.append(line)
        }
        return out
    }

    /// Headings outside code blocks.
    var headings: [String] { linesOutsideFences.filter { $0.hasPrefix("#") } }

    /// The text of a `## ` section, up to the next `## ` heading.
    func section(_ title: String) -> String? {
        guard let start = lines.firstIndex(of: "## " + title) else { return nil }
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.count
        return lines[start..<end].joined(separator: "\n")
    }

    /// Runs of consecutive table lines outside code blocks.
    var tables: [[String]] {
        var out: [[String]] = []
        var current: [String] = []
        for line in linesOutsideFences + [""] {
            if line.hasPrefix("|") {
                current.append(line)
            } else if !current.isEmpty {
                out.append(current)
                current = []
            }
        }
        return out
    }

    /// Occurrences of `character` that no backslash escapes (an odd run of backslashes before it).
    static func unescaped(_ character: Character, in text: String) -> Int {
        var count = 0
        var backslashes = 0
        for c in text {
            if c == character, backslashes % 2 == 0 { count += 1 }
            backslashes = c == "\\" ? backslashes + 1 : 0
        }
        return count
    }

    /// Cell separators as cmark-gfm counts them: a `|` not preceded by a backslash.
    static func separators(_ row: String) -> Int {
        var count = 0
        var previous: Character = " "
        for c in row {
            if c == "|", previous != "\\" { count += 1 }
            previous = c
        }
        return count
    }
}
