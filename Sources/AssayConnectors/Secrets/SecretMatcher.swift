/// Finds and replaces many fixed byte patterns in one pass over a text.
///
/// Patterns are grouped by their first byte and tried longest first at each position, so a secret
/// that contains another is replaced whole. A text holding no first byte of any pattern costs one
/// scan and comes back untouched (the common case: most result values hold no secret).
struct SecretMatcher: Sendable {
    /// Patterns by first byte, each list longest first.
    private let buckets: [[[UInt8]]]
    private let firstBytes: [Bool]
    let isEmpty: Bool

    init<S: Sequence>(patterns: S) where S.Element == String {
        var buckets = [[[UInt8]]](repeating: [], count: 256)
        var unique = Set<[UInt8]>()
        for pattern in patterns {
            let bytes = Array(pattern.utf8)
            guard !bytes.isEmpty, unique.insert(bytes).inserted else { continue }
            buckets[Int(bytes[0])].append(bytes)
        }
        for index in buckets.indices {
            buckets[index].sort { $0.count > $1.count || ($0.count == $1.count && $0.lexicographicallyPrecedes($1)) }
        }
        self.buckets = buckets
        self.firstBytes = buckets.map { !$0.isEmpty }
        self.isEmpty = unique.isEmpty
    }

    /// Whether any pattern occurs in the text.
    func occurs(in text: String) -> Bool {
        guard !isEmpty else { return false }
        var text = text
        return text.withUTF8 { bytes in firstMatch(in: bytes, from: 0) != nil }
    }

    /// The text with every occurrence of a pattern replaced.
    func replace(in text: String, with replacement: String) -> String {
        guard !isEmpty else { return text }
        var text = text
        return text.withUTF8 { bytes -> String in
            guard var match = firstMatch(in: bytes, from: 0) else { return String(decoding: bytes, as: UTF8.self) }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var last = 0
            let replacementBytes = Array(replacement.utf8)
            while true {
                out += bytes[last..<match.lowerBound]
                out += replacementBytes
                last = match.upperBound
                guard let next = firstMatch(in: bytes, from: last) else { break }
                match = next
            }
            out += bytes[last...]
            return String(decoding: out, as: UTF8.self)
        }
    }

    private func firstMatch(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Range<Int>? {
        var i = start
        let count = bytes.count
        while i < count {
            let b = Int(bytes[i])
            if firstBytes[b] {
                for pattern in buckets[b] where i + pattern.count <= count {
                    var k = 1
                    while k < pattern.count, bytes[i + k] == pattern[k] { k += 1 }
                    if k == pattern.count { return i..<(i + pattern.count) }
                }
            }
            i += 1
        }
        return nil
    }
}
