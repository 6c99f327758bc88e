/// Writes ``JSONValue``s as deterministic bytes.
///
/// Keys are sorted by their UTF-8 bytes, strings escape only what JSON requires (no `\/`),
/// integers are written as integers and doubles in their shortest round-trip form. The same value
/// always gives the same bytes, which is what reports and signatures need.
public struct JSONWriter: Sendable {
    /// Pretty output indents by two spaces and puts one member per line.
    public var pretty: Bool

    public init(pretty: Bool = false) {
        self.pretty = pretty
    }

    public func string(_ value: JSONValue) -> String {
        var out = ""
        write(value, into: &out, depth: 0)
        if pretty { out.append("\n") }
        return out
    }

    public func bytes(_ value: JSONValue) -> [UInt8] {
        Array(string(value).utf8)
    }

    private func write(_ value: JSONValue, into out: inout String, depth: Int) {
        switch value {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): out.append(String(i))
        case .double(let d): out.append(Self.format(d))
        case .string(let s): Self.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out.append("[]"); return }
            out.append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(",") }
                newline(&out, depth + 1)
                write(item, into: &out, depth: depth + 1)
            }
            newline(&out, depth)
            out.append("]")
        case .object(let members):
            if members.isEmpty { out.append("{}"); return }
            out.append("{")
            for (index, key) in Self.sortedKeys(members).enumerated() {
                if index > 0 { out.append(",") }
                newline(&out, depth + 1)
                Self.quote(key, into: &out)
                out.append(pretty ? ": " : ":")
                write(members[key]!, into: &out, depth: depth + 1)
            }
            newline(&out, depth)
            out.append("}")
        }
    }

    private func newline(_ out: inout String, _ depth: Int) {
        guard pretty else { return }
        out.append("\n")
        out.append(String(repeating: "  ", count: depth))
    }

    /// Keys in the order the writer emits them: by UTF-8 bytes.
    ///
    /// Every answer a check reads passes through here (``JSONValue`` objects become Lua tables in
    /// this order), so the bytes are compared directly rather than through `String.UTF8View`'s
    /// indices: the same order, several times faster on the rows of a fleet.
    public static func sortedKeys(_ members: [String: JSONValue]) -> [String] {
        guard members.count > 1 else { return Array(members.keys) }
        return members.keys.sorted(by: utf8Precedes)
    }

    /// Whether `a` comes before `b` byte by byte in UTF-8 (a prefix first).
    static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                for i in 0..<min(x.count, y.count) where x[i] != y[i] { return x[i] < y[i] }
                return x.count < y.count
            }
        }
    }

    static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) + ".0" }
        return "\(d)"
    }

    static func quote(_ s: String, into out: inout String) {
        out.append("\"")
        // Most strings need no escape at all: append them whole (base64 payloads are large).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(s)
            out.append("\"")
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }
}
