/// The byte encoding of values between Swift and the C shim (see `LuaShim.h`).
enum LuaCodec {
    static func encodeList(_ values: [LuaValue]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        append(UInt32(values.count), to: &out)
        for value in values { encode(value, into: &out) }
        return out
    }

    private static func append<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: v) { out.append(contentsOf: $0) }
    }

    private static func encode(_ value: LuaValue, into out: inout [UInt8]) {
        switch value {
        case .nil: out.append(UInt8(ascii: "n"))
        case .boolean(let b): out.append(UInt8(ascii: b ? "t" : "f"))
        case .integer(let i):
            out.append(UInt8(ascii: "i"))
            append(i, to: &out)
        case .number(let d):
            out.append(UInt8(ascii: "d"))
            append(d.bitPattern, to: &out)
        case .string(let s):
            out.append(UInt8(ascii: "s"))
            let bytes = Array(s.utf8)
            append(UInt32(bytes.count), to: &out)
            out.append(contentsOf: bytes)
        case .array(let items):
            out.append(UInt8(ascii: "A"))
            append(UInt32(items.count), to: &out)
            for item in items { encode(item, into: &out) }
        case .table(let pairs):
            out.append(UInt8(ascii: "T"))
            append(UInt32(pairs.count), to: &out)
            for pair in pairs {
                encode(pair.key, into: &out)
                encode(pair.value, into: &out)
            }
        case .function(let ref):
            out.append(UInt8(ascii: "F"))
            append(ref, to: &out)
        }
    }

    struct Malformed: Error {}

    static func decodeList(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [LuaValue] {
        var reader = Reader(bytes: bytes)
        let count: UInt32 = try reader.read()
        var values: [LuaValue] = []
        values.reserveCapacity(Int(min(count, 64)))
        for _ in 0..<count { values.append(try reader.value()) }
        return values
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        mutating func read<T: FixedWidthInteger>() throws -> T {
            let size = MemoryLayout<T>.size
            guard offset + size <= bytes.count else { throw Malformed() }
            var v = T.zero
            withUnsafeMutableBytes(of: &v) { target in
                target.copyBytes(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[offset..<offset + size])))
            }
            offset += size
            return v
        }

        mutating func value() throws -> LuaValue {
            let tag: UInt8 = try read()
            switch tag {
            case UInt8(ascii: "n"): return .nil
            case UInt8(ascii: "t"): return .boolean(true)
            case UInt8(ascii: "f"): return .boolean(false)
            case UInt8(ascii: "i"): return .integer(try read())
            case UInt8(ascii: "d"): return .number(Double(bitPattern: try read()))
            case UInt8(ascii: "s"):
                let length = Int(try read() as UInt32)
                guard offset + length <= bytes.count else { throw Malformed() }
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
                offset += length
                return .string(s)
            case UInt8(ascii: "T"):
                let count = try read() as UInt32
                var pairs: [(key: LuaValue, value: LuaValue)] = []
                pairs.reserveCapacity(Int(min(count, 1024)))
                for _ in 0..<count { pairs.append((key: try value(), value: try value())) }
                return .table(pairs)
            case UInt8(ascii: "F"): return .function(try read())
            default: throw Malformed()
            }
        }
    }
}
