/// A score out of 10, held as an integer number of hundredths so that it prints and compares
/// exactly: `Score(hundredths: 725)` is 7.25.
public struct Score: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let hundredths: Int

    public init(hundredths: Int) { self.hundredths = hundredths }

    /// `numerator / denominator` scaled to `scale` (10 for scores, 100 for percentages), rounded half up.
    public init(ratio numerator: Int, _ denominator: Int, scale: Int = 10) {
        precondition(denominator > 0)
        let scaled = numerator * scale * 100
        self.hundredths = (2 * scaled + denominator) / (2 * denominator)
    }

    /// Parses `7.25`, `8`, `8.0`.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int(parts[0]), whole >= 0 else { return nil }
        var frac = 0
        if parts.count == 2 {
            var digits = String(parts[1].prefix(2))
            while digits.count < 2 { digits += "0" }
            guard parts[1].allSatisfy(\.isNumber), let f = Int(digits) else { return nil }
            frac = f
        }
        self.hundredths = whole * 100 + frac
    }

    /// Reads a score back from a JSON number (its ``json`` form); `nil` for anything else.
    public init?(json: JSONValue) {
        guard let value = json.doubleValue else { return nil }
        self.init(hundredths: Int((value * 100).rounded()))
    }

    public static func < (a: Score, b: Score) -> Bool { a.hundredths < b.hundredths }

    /// Always two decimals: `7.25`, `8.00`.
    public var description: String {
        let frac = hundredths % 100
        return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }

    /// The JSON form: a number with at most two decimals, the same bytes for the same score.
    public var json: JSONValue { .double(Double(hundredths) / 100) }
}
