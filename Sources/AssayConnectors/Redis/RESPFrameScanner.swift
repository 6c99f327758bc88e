import AssayCore

/// Follows the framing of one RESP2 reply as its bytes arrive, before hiredis sees them.
///
/// hiredis 0.14 trusts what it reads: it buffers a bulk string until all of its claimed length
/// has arrived, allocates an array of the claimed size as soon as it reads the size, and
/// overflows on a length near 2⁶³. The scanner stands in front of it and fails the reply the
/// moment it passes a cap — bytes, values (array elements) or nesting — or breaks the framing,
/// and it says exactly where the reply ends, so that bytes after it (a second answer the client
/// did not ask for) are noticed instead of being read as the answer to the next command.
///
/// A top-level error reply (`-ERR …`) is taken here and not handed to hiredis: only its first
/// ``errorPrefixBytes`` are kept, the rest is counted and dropped.
package struct RESPFrameScanner {
    /// Why a reply was abandoned.
    package enum Failure: Error, Equatable {
        /// Over a cap: the message names the `limits:` key.
        case overCap(String)
        /// Not RESP2 framing.
        case protocolViolation(String)
    }

    /// What a scan found.
    package enum Progress: Equatable {
        /// The reply goes on past these bytes.
        case needsMore
        /// The reply ends this many bytes into the buffer given.
        case complete(at: Int)
    }

    /// How much of an error reply is kept (the rest is never stored, scrubbed or shown).
    static let errorPrefixBytes = 4 << 10
    /// The longest length or integer line: `:-9223372036854775808`.
    static let maximumNumberLine = 21
    /// hiredis 0.14 reads arrays nested at most this deep.
    static let hiredisDepth = 7

    let limits: ReplyLimits
    /// Nesting allowed: the configured cap, and never deeper than hiredis reads.
    private let maximumDepth: Int
    private(set) var bytesSeen = 0
    private var values = 0
    /// Elements still to come in each open array, innermost last.
    private var open: [Int] = []

    private enum Phase {
        /// Expecting the type byte of the next value.
        case type
        /// In the line of a `+`, `-` or `:` value, or of a `$`/`*` length.
        case line
        /// Just after the CR that ends a line.
        case lineFeed
        /// In the data of a bulk string and its CRLF (``bulkRemaining`` bytes to go).
        case bulk
    }

    private var phase = Phase.type
    /// The type byte of the current line.
    private var lineKind: UInt8 = 0
    /// The digits of the current length or integer line.
    private var digits: [UInt8] = []
    private var bulkRemaining = 0
    /// Whether the reply is a top-level error, which the scanner takes instead of hiredis.
    private(set) var isTopLevelError = false
    /// The kept start of a top-level error reply, without its `-`.
    private(set) var errorPrefix: [UInt8] = []

    package init(limits: ReplyLimits) {
        self.limits = limits
        maximumDepth = min(limits.depth, Self.hiredisDepth)
    }

    // MARK: - Scanning

    /// Scans the next bytes of the reply.
    package mutating func scan(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Progress {
        var i = 0
        while i < bytes.count {
            switch phase {
            case .type:
                let kind = bytes[i]
                try count(1)
                i += 1
                switch kind {
                case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "$"), UInt8(ascii: "*"):
                    if kind == UInt8(ascii: "-"), open.isEmpty { isTopLevelError = true }
                    lineKind = kind
                    digits.removeAll(keepingCapacity: true)
                    phase = .line
                default:
                    throw .protocolViolation("unexpected byte \(Self.describe(kind)) where a reply type was expected")
                }
            case .line:
                if lineKind == UInt8(ascii: "+") || lineKind == UInt8(ascii: "-") {
                    // Text runs to the CR: skip it in one go, keeping the start of a top-level error.
                    var end = i
                    while end < bytes.count, bytes[end] != 13 { end += 1 }
                    try count(end - i)
                    if isTopLevelError, errorPrefix.count < Self.errorPrefixBytes {
                        let keep = min(end - i, Self.errorPrefixBytes - errorPrefix.count)
                        errorPrefix.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + keep)]))
                    }
                    i = end
                    guard i < bytes.count else { break }
                }
                let byte = bytes[i]
                try count(1)
                i += 1
                if byte == 13 {
                    phase = .lineFeed
                } else {
                    guard digits.count < Self.maximumNumberLine else {
                        throw .protocolViolation("a length or integer line is longer than \(Self.maximumNumberLine) bytes")
                    }
                    digits.append(byte)
                }
            case .lineFeed:
                let byte = bytes[i]
                try count(1)
                i += 1
                guard byte == 10 else { throw .protocolViolation("CR without LF in a reply line") }
                if let done = try finishLine(endingAt: i) { return done }
            case .bulk:
                // The claimed length was counted when its header was read.
                let take = min(bulkRemaining, bytes.count - i)
                // The last two of the remaining bytes must be CRLF.
                let crlfStart = max(0, bulkRemaining - 2)
                if crlfStart < take {
                    for offset in crlfStart..<take {
                        let expected: UInt8 = bulkRemaining - offset == 2 ? 13 : 10
                        guard bytes[i + offset] == expected else {
                            throw .protocolViolation("a bulk string does not end with CRLF where its length says")
                        }
                    }
                }
                bulkRemaining -= take
                i += take
                if bulkRemaining == 0, let done = finishValue(at: i) { return done }
            }
        }
        return .needsMore
    }

    // MARK: - Values

    private mutating func count(_ n: Int) throws(Failure) {
        guard n <= limits.bytes - bytesSeen else { throw .overCap(limits.tooLarge) }
        bytesSeen += n
    }

    private mutating func finishLine(endingAt i: Int) throws(Failure) -> Progress? {
        phase = .type
        switch lineKind {
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return finishValue(at: i)
        case UInt8(ascii: ":"):
            guard Self.number(digits) != nil else { throw .protocolViolation("an integer reply is not a number") }
            return finishValue(at: i)
        case UInt8(ascii: "$"):
            guard let length = Self.number(digits) else { throw .protocolViolation("a bulk length is not a number") }
            if length == -1 { return finishValue(at: i) }
            guard length >= 0 else { throw .protocolViolation("negative bulk length \(length)") }
            // The whole claimed length counts at once: a claim over the cap fails before a byte of it.
            guard length <= limits.bytes - bytesSeen - 2 else { throw .overCap(limits.tooLarge) }
            bytesSeen += length + 2
            bulkRemaining = length + 2
            phase = .bulk
            return nil
        default:  // "*"
            guard let elements = Self.number(digits) else { throw .protocolViolation("an array length is not a number") }
            if elements == -1 || elements == 0 { return finishValue(at: i) }
            guard elements > 0 else { throw .protocolViolation("negative array length \(elements)") }
            guard elements <= limits.elements - values else { throw .overCap(limits.tooManyElements) }
            // Each element takes at least 3 bytes (`+\r\n`): a claim the byte cap cannot hold fails
            // now, so hiredis never allocates for more elements than could arrive.
            guard elements <= (limits.bytes - bytesSeen) / 3 else { throw .overCap(limits.tooLarge) }
            guard open.count < maximumDepth else {
                throw .overCap(
                    maximumDepth < limits.depth
                        ? "reply nested deeper than \(maximumDepth) levels (hiredis 0.14 reads no deeper)"
                        : limits.tooDeep)
            }
            values += elements
            open.append(elements)
            return nil
        }
    }

    /// One value is whole: close the arrays it completes; the reply is complete when none is open.
    private mutating func finishValue(at i: Int) -> Progress? {
        phase = .type
        while let last = open.last {
            if last > 1 {
                open[open.count - 1] = last - 1
                return nil
            }
            open.removeLast()
        }
        return .complete(at: i)
    }

    // MARK: - Helpers

    /// A decimal number of at most 19 digits with an optional minus sign, or nil.
    private static func number(_ digits: [UInt8]) -> Int? {
        guard !digits.isEmpty else { return nil }
        return Int(String(decoding: digits, as: UTF8.self))
    }

    private static func describe(_ byte: UInt8) -> String {
        let hex = "0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
        return byte >= 0x20 && byte < 0x7F ? "\(hex) ('\(Character(Unicode.Scalar(byte)))')" : hex
    }
}
