import AssayCore

/// Messages between the supervisor and its workers: a 4-byte big-endian length, then that many
/// bytes of JSON (``JSONWriter``'s bytes, so both sides agree on every value).
enum Frames {
    /// The largest frame either side accepts. Findings, evidence and connector answers are
    /// capped well below this by the sandbox's and the connectors' limits; a larger frame means a
    /// broken peer, and the connection to it is dropped.
    static let maximumBytes = 256 << 20

    static func encode(_ message: JSONValue) -> [UInt8] {
        let body = JSONWriter().bytes(message)
        var frame: [UInt8] = []
        frame.reserveCapacity(body.count + 4)
        let length = UInt32(body.count)
        frame.append(UInt8(length >> 24))
        frame.append(UInt8(length >> 16 & 0xFF))
        frame.append(UInt8(length >> 8 & 0xFF))
        frame.append(UInt8(length & 0xFF))
        frame.append(contentsOf: body)
        return frame
    }

    /// Why the bytes from a peer do not make frames.
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// Collects bytes as they arrive and hands out whole messages.
    struct Decoder {
        private var buffer: [UInt8] = []
        private var start = 0

        mutating func append(_ bytes: UnsafeRawBufferPointer) {
            if start > 0, start >= buffer.count / 2 {
                buffer.removeFirst(start)
                start = 0
            }
            buffer.append(contentsOf: bytes)
        }

        mutating func append(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { append($0) }
        }

        /// The next whole message, or nil until more bytes arrive.
        mutating func next() throws(Malformed) -> JSONValue? {
            guard buffer.count - start >= 4 else { return nil }
            let length = Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8
                | Int(buffer[start + 3])
            guard length <= Frames.maximumBytes else {
                throw Malformed(description: "a frame of \(length) bytes (at most \(Frames.maximumBytes))")
            }
            guard buffer.count - start - 4 >= length else { return nil }
            let body = buffer[(start + 4)..<(start + 4 + length)]
            start += 4 + length
            do {
                return try JSONParser.parse(body)
            } catch {
                throw Malformed(description: "a frame that is not JSON (\(error))")
            }
        }

        /// Whether bytes of an unfinished frame are waiting.
        var hasPartialFrame: Bool { buffer.count > start }
    }
}
