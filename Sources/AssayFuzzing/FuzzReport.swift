/// A campaign's figures as a table: one line per target and a total.
public enum FuzzReport {
    public static func table(_ tallies: [(String, FuzzCampaign.Tally)], seed: UInt64, seconds: Double) -> String {
        var lines = ["seed \(seed), \(Int(seconds.rounded())) s", ""]
        let header = ["target", "inputs", "accepted", "refused", "crashes", "hangs", "memory", "peak MiB", "inputs/s"]
        var rows: [[String]] = [header]
        var total = FuzzCampaign.Tally()
        for (name, tally) in tallies {
            rows.append(row(name, tally))
            total.inputs += tally.inputs
            total.accepted += tally.accepted
            total.refused += tally.refused
            total.crashes += tally.crashes
            total.hangs += tally.hangs
            total.memory += tally.memory
            total.peakKB = max(total.peakKB, tally.peakKB)
            total.seconds += tally.seconds
        }
        rows.append(row("total", total))
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(
                row.enumerated().map { column, cell in
                    column == 0
                        ? cell.padding(widths[column]) : String(repeating: " ", count: widths[column] - cell.count) + cell
                }.joined(separator: "  "))
        }
        for (_, tally) in tallies { lines += tally.findings.map { "finding: \($0)" } }
        return lines.joined(separator: "\n")
    }

    private static func row(_ name: String, _ tally: FuzzCampaign.Tally) -> [String] {
        let rate = tally.seconds > 0 ? Int((Double(tally.inputs) / tally.seconds).rounded()) : 0
        return [
            name, "\(tally.inputs)", "\(tally.accepted)", "\(tally.refused)", "\(tally.crashes)", "\(tally.hangs)",
            "\(tally.memory)", "\(tally.peakKB / 1024)", "\(rate)",
        ]
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
