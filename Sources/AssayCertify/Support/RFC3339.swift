import AssayCore

/// RFC 3339 timestamps, the form of `issued_at` and `valid_until`.
///
/// Assay writes `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds). It reads any RFC 3339 date-time:
/// `T` or `t`, fractional seconds (ignored), `Z`, `z` or a `±HH:MM` offset.
public enum RFC3339 {
    /// Seconds since 1970-01-01T00:00:00Z, or `nil` when `text` is not an RFC 3339 date-time.
    public static func unixSeconds(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count else { return nil }
            var v = 0
            for i in range {
                guard (0x30...0x39).contains(b[i]) else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        func at(_ i: Int, _ c: Character) -> Bool { i < b.count && b[i] == c.asciiValue! }
        guard let year = number(0..<4), at(4, "-"), let month = number(5..<7), at(7, "-"), let day = number(8..<10),
            at(10, "T") || at(10, "t"), let hour = number(11..<13), at(13, ":"), let minute = number(14..<16),
            at(16, ":"), let second = number(17..<19),
            let date = CalendarDate(year: year, month: month, day: day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        if at(i, ".") {
            i += 1
            let start = i
            while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
            guard i > start else { return nil }
        }
        var offset = 0
        if at(i, "Z") || at(i, "z") {
            i += 1
        } else if at(i, "+") || at(i, "-") {
            guard let oh = number(i + 1..<i + 3), at(i + 3, ":"), let om = number(i + 4..<i + 6), oh < 24, om < 60
            else { return nil }
            offset = (oh * 60 + om) * 60 * (at(i, "-") ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let seconds = Int64(date.daysSinceEpoch) * 86400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        return seconds - Int64(offset)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for a number of seconds since 1970-01-01T00:00:00Z.
    public static func string(unixSeconds: Int64) -> String {
        let day = CalendarDate(unixSeconds: unixSeconds)
        let rest = Int(unixSeconds - Int64(day.daysSinceEpoch) * 86400)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(day)T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
    }
}
