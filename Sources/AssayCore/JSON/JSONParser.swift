/// A strict JSON parser producing ``JSONValue``, with caps on values and nesting that hold while
/// it parses.
///
/// Numbers without a fraction or exponent that fit in 64 bits become ``JSONValue/int(_:)``;
/// every other number becomes ``JSONValue/double(_:)``. Invalid UTF-8 in strings is repaired
/// (U+FFFD), duplicate keys keep the last value.
///
/// The parser reads the caller's bytes in place (no copy of the document) and builds each value
/// once: a string without escapes is one allocation, numbers are read without an intermediate
/// string. ``Limits`` stop a document with too many values or too deep a nesting as soon as the
/// parser meets the value over the cap, before anything is built from it.
///
/// ```swift
/// let listing = try JSONParser.parse(body, limits: .init(values: 1_000_000, depth: 64))
/// ```
public struct JSONParser {
    /// Caps on one document.
    public struct Limits: Hashable, Sendable {
        /// Values in the document: every scalar, string, array and object counts one.
        public var values: Int
        /// Nesting of arrays and objects (a top-level array is at depth 1); never more than
        /// ``JSONParser/maximumDepth``, whatever is asked.
        public var depth: Int

        /// Defaults suit Assay's own documents (reports, transcripts, envelopes): no value cap,
        /// depth 512.
        public init(values: Int = .max, depth: Int = 512) {
            self.values = values
            self.depth = depth
        }
    }

    /// Why a document could not be parsed, with the byte offset where it went wrong.
    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public enum Kind: Hashable, Sendable {
            /// Not JSON.
            case malformed
            /// More values than ``Limits/values``.
            case tooManyValues
            /// Nested deeper than ``Limits/depth``.
            case tooDeep
        }

        public let kind: Kind
        public let offset: Int
        public let reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// The deepest nesting the parser follows (it recurses once per level).
    public static let maximumDepth = 512

    private let bytes: UnsafeBufferPointer<UInt8>
    private let limits: Limits
    private var index = 0
    private var depth = 0
    private var values = 0
    /// Strings met before in this document, so that a repeated key or value (label names, image
    /// and network ids) is stored once however often it appears.
    private var interned: Set<String> = []

    public static func parse(_ text: String, limits: Limits = Limits()) throws(Error) -> JSONValue {
        var text = text
        return try text.withUTF8 { parse(buffer: $0, limits: limits) }.get()
    }

    public static func parse<Bytes: Collection>(_ bytes: Bytes, limits: Limits = Limits()) throws(Error) -> JSONValue
    where Bytes.Element == UInt8 {
        if let inPlace = bytes.withContiguousStorageIfAvailable({ parse(buffer: $0, limits: limits) }) {
            return try inPlace.get()
        }
        return try Array(bytes).withUnsafeBufferPointer { parse(buffer: $0, limits: limits) }.get()
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, limits: Limits) -> Result<JSONValue, Error> {
        var parser = JSONParser(bytes: buffer, limits: limits)
        do throws(Error) {
            parser.skipSpace()
            let value = try parser.value()
            parser.skipSpace()
            guard parser.index == parser.bytes.count else { throw parser.error("trailing characters") }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, limits: Limits) {
        self.bytes = bytes
        self.limits = Limits(values: limits.values, depth: min(limits.depth, Self.maximumDepth))
    }

    private func error(_ reason: String, _ kind: Error.Kind = .malformed) -> Error {
        Error(kind: kind, offset: index, reason: reason)
    }

    // MARK: - Values

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ literal: StaticString) throws(Error) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw error("expected \(literal)") }
        let matches = literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { throw error("expected \(literal)") }
        index += count
    }

    private mutating func value() throws(Error) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end") }
        values += 1
        if values > limits.values { throw error("more than \(limits.values) values", .tooManyValues) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        default: return try number()
        }
    }

    private mutating func nest() throws(Error) {
        depth += 1
        if depth > limits.depth { throw error("nesting deeper than \(limits.depth)", .tooDeep) }
    }

    private mutating func object() throws(Error) -> JSONValue {
        try nest()
        defer { depth -= 1 }
        index += 1
        var members: [String: JSONValue] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
            let key = try string()
            skipSpace()
            try expect(":")
            skipSpace()
            members[key] = try value()
            skipSpace()
            guard index < bytes.count else { throw error("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            throw error("expected , or }")
        }
    }

    private mutating func array() throws(Error) -> JSONValue {
        try nest()
        defer { depth -= 1 }
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard index < bytes.count else { throw error("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            throw error("expected , or ]")
        }
    }

    // MARK: - Strings

    /// A string value; the cursor is on its opening quote. Without escapes, the string is made
    /// straight from the document's bytes.
    private mutating func string() throws(Error) -> String {
        index += 1
        let start = index
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return intern(text)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { break }
            index += 1
        }
        var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        try escapedRest(into: &out)
        return intern(String(decoding: out, as: UTF8.self))
    }

    /// The stored copy of `text` if the document had it before. Short strings live inside the
    /// `String` value and gain nothing; long ones are not worth the hashing.
    private mutating func intern(_ text: String) -> String {
        let length = text.utf8.count
        guard length > 15, length <= 256, interned.count < 1 << 16 else { return text }
        return interned.insert(text).memberAfterInsert
    }

    /// The rest of a string that holds escapes, up to and including its closing quote.
    private mutating func escapedRest(into out: inout [UInt8]) throws(Error) {
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let c = bytes[index]
            index += 1
            if c == UInt8(ascii: "\"") { return }
            if c < 0x20 { throw error("control character in string") }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                continue
            }
            guard index < bytes.count else { throw error("unterminated escape") }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), index + 6 <= bytes.count,
                    bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                {
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("bad surrogate pair") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw error("bad code point") }
                out.append(contentsOf: UTF8.encode(scalar)!)
            default: throw error("bad escape")
            }
        }
    }

    private mutating func hex4() throws(Error) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            index += 1
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw error("bad \\u escape")
            }
            v = v * 16 + digit
        }
        return v
    }

    // MARK: - Numbers

    /// A number; integers of up to 18 digits are read without making a string.
    private mutating func number() throws(Error) -> JSONValue {
        let start = index
        var isInteger = true
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else { throw error("unexpected character") }
        var magnitude: Int64 = 0
        var digits = 0
        while index < bytes.count {
            let c = bytes[index]
            if (0x30...0x39).contains(c) {
                if digits < 18 { magnitude = magnitude * 10 + Int64(c - 0x30) }
                digits += 1
                index += 1
            } else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")
                || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
            {
                isInteger = false
                index += 1
            } else {
                break
            }
        }
        if isInteger, digits > 0, digits <= 18 { return .int(negative ? -magnitude : magnitude) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let i = Int64(text) { return .int(i) }
        guard let d = Double(text) else {
            throw error("bad number \(text.count > 40 ? text.prefix(40) + "…" : text)")
        }
        return .double(d)
    }
}
