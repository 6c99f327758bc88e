#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import AssayCore

/// Waits with poll(2) until a socket is readable or writable, or a deadline passes.
enum SocketWait {
    enum Outcome { case ready, timedOut, failed(Int32) }

    /// Retries EINTR; the deadline is the only clock.
    static func wait(_ fd: Int32, read: Bool, write: Bool, until deadline: Deadline) -> Outcome {
        var events: Int16 = 0
        if read { events |= Int16(POLLIN) }
        if write { events |= Int16(POLLOUT) }
        while true {
            let timeout = deadline.remainingMilliseconds
            if timeout == 0 { return .timedOut }
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let result = poll(&descriptor, 1, timeout)
            if result > 0 { return .ready }  // includes POLLERR/POLLHUP: libpq reports the detail
            if result == 0 {
                if deadline.hasPassed { return .timedOut }
                continue
            }
            if errno == EINTR { continue }
            return .failed(errno)
        }
    }
}
