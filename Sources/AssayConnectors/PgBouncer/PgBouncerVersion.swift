/// A PgBouncer version number read from text such as `PgBouncer 1.18.0` or `1.25.1/bouncer`.
struct PgBouncerVersion: Hashable {
    var major: Int
    var minor: Int
    var patch: Int

    init(major: Int, minor: Int, patch: Int) {
        (self.major, self.minor, self.patch) = (major, minor, patch)
    }

    /// The first `major.minor[.patch]` in the text; a missing patch is 0.
    init?(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            guard Self.isDigit(scalars[i]), i == 0 || !Self.isDigit(scalars[i - 1]) else {
                i += 1
                continue
            }
            var numbers: [Int] = []
            var j = i
            while j < scalars.count, numbers.count < 3 {
                let start = j
                while j < scalars.count, Self.isDigit(scalars[j]) { j += 1 }
                guard j > start, let number = Int(String(String.UnicodeScalarView(scalars[start..<j]))) else { break }
                numbers.append(number)
                guard j + 1 < scalars.count, scalars[j] == ".", Self.isDigit(scalars[j + 1]) else { break }
                j += 1
            }
            if numbers.count >= 2 {
                (major, minor, patch) = (numbers[0], numbers[1], numbers.count > 2 ? numbers[2] : 0)
                return
            }
            i = j + 1
        }
        return nil
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
}
