/// A GFM table whose cells are already Markdown (escaped with ``MarkdownText``).
///
/// Every row gets exactly one cell per column: missing cells are left empty, extra ones dropped,
/// and any line break left in a cell becomes a space, so a row is always one line.
struct MarkdownTable {
    enum Alignment { case left, right }

    var columns: [(title: String, alignment: Alignment)]
    var rows: [[String]] = []

    init(_ columns: [(String, Alignment)]) {
        self.columns = columns.map { (title: $0.0, alignment: $0.1) }
    }

    mutating func append(_ cells: [String]) { rows.append(cells) }

    var text: String {
        var lines = [row(columns.map(\.title))]
        lines.append("|" + columns.map { $0.alignment == .right ? "---:" : "---" }.joined(separator: "|") + "|")
        lines += rows.map(row)
        return lines.joined(separator: "\n")
    }

    private func row(_ cells: [String]) -> String {
        let fitted = columns.indices.map { i in
            i < cells.count ? String(cells[i].map { $0.isNewline ? " " : $0 }) : ""
        }
        return "| " + fitted.joined(separator: " | ") + " |"
    }
}
