import AssayCore

/// How values in libpq's text format become JSON, by the column's type OID.
///
/// | PostgreSQL type | JSON |
/// |---|---|
/// | int2, int4, int8, oid | `.int` |
/// | bool | `.bool` |
/// | float4, float8 | `.double`; `NaN` and `±Infinity` stay `.string` (JSON has no such numbers) |
/// | numeric | `.double` when the decimal has at most 15 significant digits and fits a double (so the double denotes the same decimal); otherwise `.string` |
/// | NULL | `.null` |
/// | anything else | `.string`, in PostgreSQL's text form |
enum LibPQValue {
    static let int8: UInt32 = 20, int2: UInt32 = 21, int4: UInt32 = 23, oid: UInt32 = 26
    static let bool: UInt32 = 16, float4: UInt32 = 700, float8: UInt32 = 701, numeric: UInt32 = 1700

    static func convert(_ text: String, oid: UInt32, scrub: (String) -> String) -> JSONValue {
        switch oid {
        case int2, int4, int8, Self.oid:
            if let value = Int64(text) { return .int(value) }
        case bool:
            if text == "t" { return .bool(true) }
            if text == "f" { return .bool(false) }
        case float4, float8:
            if let value = Double(text), value.isFinite { return .double(value) }
        case numeric:
            if let value = exactDouble(numeric: text) { return .double(value) }
        default:
            break
        }
        return .string(scrub(text))
    }

    /// The double for a numeric's text if that double denotes the same decimal: at most 15
    /// significant digits (DBL_DIG), finite, and not flushed to zero or subnormal.
    static func exactDouble(numeric text: String) -> Double? {
        var significant = 0
        var pendingZeros = 0
        var seenNonZero = false
        for (index, character) in text.enumerated() {
            if index == 0, character == "-" || character == "+" { continue }
            switch character {
            case ".": continue
            case "0":
                if seenNonZero { pendingZeros += 1 }
            case "1"..."9":
                seenNonZero = true
                significant += pendingZeros + 1
                pendingZeros = 0
            default:
                return nil  // NaN, Infinity, exponents: keep the text
            }
        }
        guard significant <= 15, let value = Double(text), value.isFinite else { return nil }
        if seenNonZero, !value.isNormal { return nil }
        return value
    }

    /// Column names made unique: the first keeps its name, later ones get `_2`, `_3`, … (skipping
    /// any suffix already taken by another column).
    static func uniqueNames(_ names: [String]) -> [String] {
        var used = Set<String>()
        var result: [String] = []
        result.reserveCapacity(names.count)
        for name in names {
            var candidate = name
            var suffix = 2
            while used.contains(candidate) {
                candidate = "\(name)_\(suffix)"
                suffix += 1
            }
            used.insert(candidate)
            result.append(candidate)
        }
        return result
    }
}
