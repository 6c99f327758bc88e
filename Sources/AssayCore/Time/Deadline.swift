#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on the monotonic clock after which an operation gives up.
public struct Deadline: Hashable, Comparable, Sendable {
    /// Nanoseconds on CLOCK_MONOTONIC.
    public let nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static func now() -> Deadline { Deadline(nanoseconds: monotonicNanoseconds()) }

    public static func after(_ duration: Duration) -> Deadline {
        let (seconds, attoseconds) = duration.components
        let ns = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        return Deadline(nanoseconds: monotonicNanoseconds() &+ ns)
    }

    public static let distantFuture = Deadline(nanoseconds: .max)

    public static func < (a: Deadline, b: Deadline) -> Bool { a.nanoseconds < b.nanoseconds }

    public var hasPassed: Bool { Deadline.monotonicNanoseconds() >= nanoseconds }

    /// Milliseconds left, at least 0, at most Int32.max (for poll(2)).
    public var remainingMilliseconds: Int32 {
        let now = Deadline.monotonicNanoseconds()
        guard nanoseconds > now else { return 0 }
        return Int32(min(UInt64(Int32.max), (nanoseconds - now + 999_999) / 1_000_000))
    }

    /// The earlier of two deadlines.
    public func earliest(_ other: Deadline) -> Deadline { min(self, other) }

    public static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
