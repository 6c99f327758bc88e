#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import AssayCore

/// Waits with poll(2) until a descriptor is ready for some events, or a deadline passes.
///
/// The one poll loop of the connectors: ``StreamSocket`` turns its outcome into a
/// ``ConnectorError``, the libpq connection reads it directly.
enum SocketWait {
    enum Outcome: Equatable {
        /// Ready, or an error or hangup that the next read or write reports.
        case ready
        case timedOut
        /// poll(2) failed with this errno.
        case failed(Int32)
    }

    /// Retries EINTR; the deadline is the only clock.
    static func wait(_ fd: Int32, for events: Int16, until deadline: Deadline) -> Outcome {
        while true {
            let timeout = deadline.remainingMilliseconds
            if timeout == 0 { return .timedOut }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let result = poll(&entry, 1, timeout)
            if result > 0 { return .ready }
            if result < 0, errno != EINTR { return .failed(errno) }
        }
    }
}
