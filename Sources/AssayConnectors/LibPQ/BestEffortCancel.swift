import CLibPQ
import Foundation

/// Asks a server to cancel a running query without making the caller wait for it.
///
/// libpq 15's `PQcancel` is blocking: it connects to the server and waits until the server closes
/// that connection. Against a stopped or never-answering server it would wait forever, so each
/// cancel runs on its own detached thread and the connector returns `.timeout` at once. At most
/// ``limit`` cancels are in flight per process; beyond that, cancels are skipped (the server's
/// `statement_timeout`, set from the same deadline, still ends the query).
enum BestEffortCancel {
    static let limit = 4

    /// Takes ownership of `cancel` (a `PGcancel *` from `PQgetCancel`) and frees it when done.
    static func dispatch(_ cancel: OpaquePointer) {
        guard inFlight.tryAcquire(limit: limit) else {
            PQfreeCancel(cancel)
            return
        }
        let owned = OwnedCancel(handle: cancel)
        Thread.detachNewThread {
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(owned.handle, &buffer, Int32(buffer.count))
            PQfreeCancel(owned.handle)
            inFlight.release()
        }
    }

    /// The number of cancels running.
    static let inFlight = Counter()

    /// A `PGcancel *` handed from the closing thread to the cancelling thread, which alone uses it.
    /// `@unchecked Sendable`: ownership moves with it; the sender never touches it again.
    private struct OwnedCancel: @unchecked Sendable {
        let handle: OpaquePointer
    }

    /// A counter under a lock. `@unchecked Sendable`: every access holds `lock`.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0

        func tryAcquire(limit: Int) -> Bool {
            lock.withLock {
                guard value < limit else { return false }
                value += 1
                return true
            }
        }

        func release() { lock.withLock { value -= 1 } }
    }
}
