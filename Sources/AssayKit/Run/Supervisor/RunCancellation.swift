import Foundation
import Glibc

/// A flag the supervisor's loop watches: set from any thread (a cancelled task, a signal
/// handler's thread), it wakes the loop at once through a pipe instead of waiting for a timeout.
final class RunCancellation: @unchecked Sendable {  // `cancelled` is guarded by `lock`; the pipe is written once
    private let lock = NSLock()
    private var cancelled = false
    private let pipe: (read: Int32, write: Int32)?

    init() {
        pipe = Descriptor.pipe()
        if let pipe { Descriptor.setNonBlocking(pipe.read) }
    }

    deinit {
        if let pipe {
            Descriptor.close(pipe.read)
            Descriptor.close(pipe.write)
        }
    }

    var isCancelled: Bool { lock.withLock { cancelled } }

    /// The descriptor that becomes readable once the run is cancelled.
    var descriptor: Int32? { pipe?.read }

    func cancel() {
        let first = lock.withLock { () -> Bool in
            defer { cancelled = true }
            return !cancelled
        }
        if first, let pipe {
            var byte: UInt8 = 1
            _ = Glibc.write(pipe.write, &byte, 1)
        }
    }
}
