import AssayCore

/// The HTML report's look: one inline style sheet (no font or image is fetched) and its colours.
enum HTMLStyle {
    static func colour(_ verdict: Verdict) -> String {
        switch verdict {
        case .certified: "#2e7d32"
        case .conditional: "#f9a825"
        case .notCertified: "#c62828"
        }
    }

    static func colour(_ severity: Severity) -> String {
        switch severity {
        case .critical: "#b71c1c"
        case .high: "#e65100"
        case .medium: "#f9a825"
        case .low: "#1565c0"
        case .info: "#78909c"
        }
    }

    /// Green from 8, amber from 6, red below (the default policy's gates).
    static func colour(score: Score?) -> String {
        guard let score else { return "#90a4ae" }
        return score.hundredths >= 800 ? "#2e7d32" : score.hundredths >= 600 ? "#f9a825" : "#c62828"
    }

    static func colour(_ status: Report.ComponentStatus) -> String {
        switch status {
        case .pass: "#2e7d32"
        case .attention: "#f9a825"
        case .fail: "#c62828"
        case .error: "#6a1b9a"
        }
    }

    static let sheet = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; color: #263238; padding: 0 1rem; }
        h1 { margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #cfd8dc; padding-bottom: .3rem; }
        .meta { color: #607d8b; font-size: .9rem; }
        .verdict { display: inline-block; color: #fff; font-weight: 700; font-size: 1.4rem; padding: .4rem 1rem; border-radius: .4rem; margin: .8rem 0; }
        .incomplete { background: #fff3e0; border-left: 4px solid #e65100; padding: .6rem 1rem; }
        .facts { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
        .fact { background: #f5f7f8; border-radius: .4rem; padding: .6rem 1rem; min-width: 10rem; }
        .fact b { display: block; font-size: 1.5rem; }
        table { border-collapse: collapse; width: 100%; margin: .6rem 0; font-size: .92rem; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #eceff1; vertical-align: top; }
        th { background: #f5f7f8; } td.n, th.n { text-align: right; }
        .pill { display: inline-block; color: #fff; border-radius: .8rem; padding: 0 .6rem; font-size: .8rem; font-weight: 600; }
        .chart text { font-size: 12px; fill: #37474f; }
        code { background: #f5f7f8; padding: 0 .25rem; border-radius: .2rem; word-break: break-all; }
        ol li { margin-bottom: .4rem; }
        .muted { color: #78909c; }
        """
}
