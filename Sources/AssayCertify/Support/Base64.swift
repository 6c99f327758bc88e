/// Standard base64 (RFC 4648 §4, with `=` padding), the only form Assay writes and accepts.
///
/// Decoding is strict: the length must be a multiple of 4, padding may only end the text, and the
/// unused bits of the last character must be zero. So every base64 text decodes from exactly one
/// byte sequence, and changing any character of an envelope's payload or signature changes what
/// is verified (or makes it undecodable).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let input = Array(bytes)
        let count = (input.count + 2) / 3 * 4
        let out = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            input.withUnsafeBufferPointer { input in
                alphabet.withUnsafeBufferPointer { alphabet in
                    var i = 0
                    var o = 0
                    while i < input.count {
                        let remaining = input.count - i
                        let n =
                            UInt32(input[i]) << 16 | (remaining > 1 ? UInt32(input[i + 1]) << 8 : 0)
                            | (remaining > 2 ? UInt32(input[i + 2]) : 0)
                        out[o] = alphabet[Int(n >> 18)]
                        out[o + 1] = alphabet[Int(n >> 12 & 63)]
                        out[o + 2] = remaining > 1 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "=")
                        out[o + 3] = remaining > 2 ? alphabet[Int(n & 63)] : UInt8(ascii: "=")
                        i += 3
                        o += 4
                    }
                }
            }
            initialized = count
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a canonical standard base64 text, or `nil`.
    static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var padding = 0
        if input.last == UInt8(ascii: "=") { padding = input[input.count - 2] == UInt8(ascii: "=") ? 2 : 1 }
        let count = input.count / 4 * 3 - padding
        var valid = true
        let out = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            input.withUnsafeBufferPointer { input in
                values.withUnsafeBufferPointer { values in
                    var o = 0
                    var i = 0
                    while i < input.count {
                        let isLast = i + 4 == input.count
                        var n: UInt32 = 0
                        for k in 0..<4 {
                            let value: UInt8
                            if isLast, k >= 4 - padding {
                                value = 0
                            } else {
                                value = values[Int(input[i + k])]
                                if value == 0xFF {
                                    valid = false
                                    return
                                }
                            }
                            n = n << 6 | UInt32(value)
                        }
                        let bytes = isLast ? 3 - padding : 3
                        // The bits that padding leaves unused must be zero (canonical text).
                        if isLast, padding > 0, n & (padding == 1 ? 0xFF : 0xFFFF) != 0 {
                            valid = false
                            return
                        }
                        out[o] = UInt8(n >> 16)
                        if bytes > 1 { out[o + 1] = UInt8(n >> 8 & 0xFF) }
                        if bytes > 2 { out[o + 2] = UInt8(n & 0xFF) }
                        o += bytes
                        i += 4
                    }
                }
            }
            initialized = valid ? count : 0
        }
        return valid ? out : nil
    }
}
