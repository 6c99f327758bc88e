import AssayCore
import AssayReport

/// The HTML report's charts as inline SVG: no script, no font, nothing fetched. Every label is
/// escaped; every number is made here.
enum SVGCharts {
    /// One bar, its label and the text after it.
    struct Bar {
        var label: String
        /// 0...1 of the full width.
        var fraction: Double
        var text: String
        var colour: String
    }

    /// Horizontal bars, one a row: the category scores.
    static func horizontalBars(id: String, title: String, _ bars: [Bar]) -> String {
        let rowHeight = 26, labelWidth = 220, barWidth = 360, height = max(1, bars.count) * rowHeight + 10
        var svg = "<svg id=\"\(id)\" class=\"chart\" role=\"img\" aria-label=\"\(MarkupText.attribute(title))\" "
            + "viewBox=\"0 0 \(labelWidth + barWidth + 90) \(height)\" width=\"\(labelWidth + barWidth + 90)\" height=\"\(height)\">"
        svg += "<title>\(MarkupText.escape(title))</title>"
        for (i, bar) in bars.enumerated() {
            let y = 5 + i * rowHeight
            let width = Int((max(0, min(1, bar.fraction)) * Double(barWidth)).rounded())
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\">\(MarkupText.escape(bar.label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(barWidth)\" height=\"16\" fill=\"#eceff1\"/>"
            svg += "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(width)\" height=\"16\" fill=\"\(bar.colour)\"/>"
            svg += "<text x=\"\(labelWidth + barWidth + 8)\" y=\"\(y + 17)\">\(MarkupText.escape(bar.text))</text>"
        }
        return svg + "</svg>"
    }

    /// Vertical bars, one a column, with the count above each: findings by severity.
    static func columns(id: String, title: String, _ columns: [(label: String, value: Int, colour: String)]) -> String {
        let width = 90, chartHeight = 160, top = 20
        let maximum = max(1, columns.map(\.value).max() ?? 1)
        let total = columns.count * width + 20
        var svg = "<svg id=\"\(id)\" class=\"chart\" role=\"img\" aria-label=\"\(MarkupText.attribute(title))\" "
            + "viewBox=\"0 0 \(total) \(chartHeight + top + 30)\" width=\"\(total)\" height=\"\(chartHeight + top + 30)\">"
        svg += "<title>\(MarkupText.escape(title))</title>"
        svg += "<line x1=\"10\" y1=\"\(top + chartHeight)\" x2=\"\(total - 10)\" y2=\"\(top + chartHeight)\" stroke=\"#90a4ae\"/>"
        for (i, column) in columns.enumerated() {
            let height = Int((Double(column.value) / Double(maximum) * Double(chartHeight)).rounded())
            let x = 20 + i * width
            svg += "<rect class=\"bar\" x=\"\(x)\" y=\"\(top + chartHeight - height)\" width=\"\(width - 30)\" height=\"\(height)\" fill=\"\(column.colour)\"/>"
            svg += "<text x=\"\(x + (width - 30) / 2)\" y=\"\(top + chartHeight - height - 5)\" text-anchor=\"middle\">\(column.value)</text>"
            svg += "<text x=\"\(x + (width - 30) / 2)\" y=\"\(top + chartHeight + 18)\" text-anchor=\"middle\">\(MarkupText.escape(column.label))</text>"
        }
        return svg + "</svg>"
    }

    /// The overall score across the chain: a line over a 0–10 axis, a dot per certification
    /// coloured by its verdict.
    static func trend(id: String, title: String, _ points: [TrendPoint]) -> String {
        let left = 40, top = 15, plotWidth = 560, plotHeight = 180
        let step = points.count > 1 ? Double(plotWidth) / Double(points.count - 1) : 0
        func x(_ i: Int) -> Int { left + Int((Double(i) * step).rounded()) }
        func y(_ score: Score?) -> Int { top + plotHeight - Int((Double(score?.hundredths ?? 0) / 1000 * Double(plotHeight)).rounded()) }
        let width = left + plotWidth + 40, height = top + plotHeight + 40
        var svg = "<svg id=\"\(id)\" class=\"chart\" role=\"img\" aria-label=\"\(MarkupText.attribute(title))\" "
            + "viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">"
        svg += "<title>\(MarkupText.escape(title))</title>"
        for tick in stride(from: 0, through: 10, by: 2) {
            let ty = top + plotHeight - tick * plotHeight / 10
            svg += "<line x1=\"\(left)\" y1=\"\(ty)\" x2=\"\(left + plotWidth)\" y2=\"\(ty)\" stroke=\"#eceff1\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(ty + 4)\" text-anchor=\"end\">\(tick)</text>"
        }
        let path = points.enumerated().map { "\(x($0.offset)),\(y($0.element.overall))" }.joined(separator: " ")
        svg += "<polyline class=\"line\" points=\"\(path)\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\"/>"
        for (i, point) in points.enumerated() {
            let label = "\(point.date): \(point.verdict.rawValue), \(point.overall?.description ?? "n/a")"
            svg += "<circle cx=\"\(x(i))\" cy=\"\(y(point.overall))\" r=\"5\" fill=\"\(HTMLStyle.colour(point.verdict))\">"
                + "<title>\(MarkupText.escape(label))</title></circle>"
            if points.count <= 12 || i == 0 || i == points.count - 1 {
                svg += "<text x=\"\(x(i))\" y=\"\(top + plotHeight + 20)\" text-anchor=\"middle\">\(MarkupText.escape(point.shortLabel))</text>"
            }
        }
        return svg + "</svg>"
    }
}
