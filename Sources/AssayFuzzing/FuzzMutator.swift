/// Turns a seed input into a hostile one: byte flips, insertions, deletions, repeated spans,
/// tokens of the format, splices of two seeds, and deep or long repetitions of a token (the
/// shapes that once crashed or hung Assay: nesting, continuations, merges of merges).
struct FuzzMutator {
    /// Largest input made (Assay refuses files over 4 MiB before parsing).
    static let maximumSize = 1 << 20

    let dictionary: [[UInt8]]

    /// The input numbered `index`: deterministic in `(seed, target, index)` and the corpus.
    func input(seeds: [[UInt8]], seed: UInt64, target: String, index: Int) -> [UInt8] {
        var random = FuzzRandom(seed: seed, target: target, index: index)
        var bytes = seeds.isEmpty ? [] : seeds[random.below(seeds.count)]
        if random.chance(8) {
            return generated(&random, around: bytes)
        }
        let rounds = 1 + random.below(8)
        for _ in 0..<rounds {
            mutate(&bytes, &random, seeds: seeds)
            if bytes.count > Self.maximumSize { bytes.removeLast(bytes.count - Self.maximumSize) }
        }
        return bytes
    }

    private func mutate(_ bytes: inout [UInt8], _ random: inout FuzzRandom, seeds: [[UInt8]]) {
        let position = bytes.isEmpty ? 0 : random.below(bytes.count + 1)
        switch random.below(9) {
        case 0 where !bytes.isEmpty:  // flip a bit
            let at = min(position, bytes.count - 1)
            bytes[at] ^= UInt8(1 << random.below(8))
        case 1:  // insert random bytes
            let count = random.length(upTo: 64)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: position)
        case 2 where !bytes.isEmpty:  // delete a span
            let start = min(position, bytes.count - 1)
            let count = min(random.length(upTo: 256), bytes.count - start)
            bytes.removeSubrange(start..<(start + count))
        case 3 where !bytes.isEmpty:  // repeat a span
            let start = min(position, bytes.count - 1)
            let span = Array(bytes[start..<min(bytes.count, start + random.length(upTo: 64))])
            let times = random.length(upTo: 4096)
            bytes.insert(contentsOf: Array([[UInt8]](repeating: span, count: times).joined()), at: start)
        case 4, 5:  // insert a token of the format
            if !dictionary.isEmpty { bytes.insert(contentsOf: dictionary[random.below(dictionary.count)], at: position) }
        case 6 where !seeds.isEmpty:  // splice in part of another seed
            let other = seeds[random.below(seeds.count)]
            guard !other.isEmpty else { return }
            let start = random.below(other.count)
            bytes.insert(contentsOf: other[start..<min(other.count, start + random.length(upTo: 512))], at: position)
        case 7 where !bytes.isEmpty:  // replace a byte with a special one
            let specials: [UInt8] = [0, 0x0A, 0x0D, 0x22, 0x27, 0x5C, 0x23, 0x3D, 0x3A, 0x24, 0x7B, 0x7D, 0xFF, 0xC3, 0xCC]
            bytes[min(position, bytes.count - 1)] = specials[random.below(specials.count)]
        default:  // truncate
            if !bytes.isEmpty { bytes.removeLast(random.below(bytes.count)) }
        }
    }

    /// A token repeated deep or long, inside a seed: `${A:-` × 40 000, `[` × 100 000, `\` + LF × …
    private func generated(_ random: inout FuzzRandom, around seed: [UInt8]) -> [UInt8] {
        let token = dictionary.isEmpty ? Array("[".utf8) : dictionary[random.below(dictionary.count)]
        let times = random.length(upTo: max(1, Self.maximumSize / max(token.count, 1) / 2))
        let position = seed.isEmpty ? 0 : random.below(seed.count + 1)
        var bytes = Array(seed[..<position])
        bytes.reserveCapacity(seed.count + token.count * times)
        for _ in 0..<times { bytes += token }
        bytes += seed[position...]
        return bytes
    }
}
