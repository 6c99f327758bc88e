#if canImport(Glibc)
import Glibc
#endif

/// How many bytes the kernel has received on a TCP socket since it was opened: while libpq is
/// still connecting (before ``SocketRelay`` takes the socket over), the one way to see what the
/// server has sent so far.
///
/// The number is `tcpi_bytes_received` of Linux's `struct tcp_info` (Linux 4.1 and later), which
/// glibc's `<netinet/tcp.h>` stops short of. The kernel only ever appends fields to that struct,
/// so the field sits at byte 128 whatever the kernel; `getsockopt` says how many bytes it filled,
/// and a kernel that fills fewer gives nil. Unix sockets have no such counter: nil as well.
enum ReceivedBytes {
    /// Byte offset of `tcpi_bytes_received` (`offsetof(struct tcp_info, tcpi_bytes_received)` in
    /// `<linux/tcp.h>`).
    static let offset = 128

    /// The bytes received so far on `fd`, or nil if it is not a TCP socket of a kernel that counts them.
    static func count(_ fd: Int32) -> UInt64? {
        guard fd >= 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        var length = socklen_t(buffer.count)
        let result = buffer.withUnsafeMutableBytes { raw in
            getsockopt(fd, Int32(IPPROTO_TCP), TCP_INFO, raw.baseAddress, &length)
        }
        guard result == 0, Int(length) >= offset + 8 else { return nil }
        return buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
    }
}
