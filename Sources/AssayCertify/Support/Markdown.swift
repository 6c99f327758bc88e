/// Escaping for text placed into the Markdown that Assay signs.
enum Markdown {
    /// Text on one line: newlines and carriage returns become spaces.
    static func oneLine(_ s: String) -> String {
        String(s.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }

    /// Inline text: one line, with Markdown's active characters escaped.
    static func inline(_ s: String) -> String {
        var out = ""
        for c in oneLine(s) {
            if "\\`*_[]<>|#".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// Text inside a code span: one line, backticks replaced (a span cannot escape them), pipes
    /// escaped for tables.
    static func code(_ s: String) -> String {
        oneLine(s).replacingBackticks().replacingPipes()
    }

    /// A table cell: one line, pipes escaped.
    static func cell(_ s: String) -> String { oneLine(s).replacingPipes() }
}

extension String {
    fileprivate func replacingBackticks() -> String { String(map { $0 == "`" ? "'" : $0 }) }
    fileprivate func replacingPipes() -> String {
        var out = ""
        for c in self {
            if c == "|" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
