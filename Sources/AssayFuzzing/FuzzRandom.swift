/// SplitMix64: a small, fast, well-mixed generator whose whole state is one number, so that an
/// input is reproduced from `(seed, target, index)` alone.
struct FuzzRandom {
    private var state: UInt64

    init(seed: UInt64, target: String, index: Int) {
        var mixed = seed ^ 0x9E37_79B9_7F4A_7C15
        for byte in target.utf8 { mixed = (mixed ^ UInt64(byte)) &* 0x100_0000_01B3 }
        state = mixed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (`bound` > 0).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    /// True with probability `percent` / 100.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// A length skewed towards small values but reaching `limit`: most mutations are local,
    /// some are huge (the inputs that find quadratic parsers).
    mutating func length(upTo limit: Int) -> Int {
        let exponent = below(Int.bitWidth - max(limit, 2).leadingZeroBitCount)
        return 1 + below(min(limit, 1 << exponent))
    }
}
