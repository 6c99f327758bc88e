import AssayCore

#if canImport(Glibc)
import Glibc
#endif

/// Holds one libpq reply to ``ReplyLimits`` while it is read, never after it has been buffered.
///
/// Two counts, both checked as data arrives:
/// - **bytes**: everything that came from the server since the reply began, counted by the
///   connection's ``SocketRelay`` before libpq is given it — so even one huge or lying message
///   is stopped at the cap;
/// - **rows and values**: each row of a single-row-mode result as it is handed over, per statement
///   (a pipeline's bookkeeping statements do not count against the question's rows).
///
/// Any cap passed fails the call with `.failed` and the caller drops the connection, so whatever
/// libpq still buffers is freed with it.
struct ReplyMeter {
    let limits: ReplyLimits
    /// The relay's byte count when the reply began.
    let start: Int
    private(set) var rows = 0
    private(set) var values = 0

    /// Starts counting from what the relay has let through so far.
    init(limits: ReplyLimits, relay: SocketRelay) {
        self.limits = limits
        self.start = relay.received
    }

    /// Starts counting the rows and values of the next statement of a pipeline.
    mutating func beginStatement() {
        rows = 0
        values = 0
    }

    /// Counts one row of `columns` values.
    mutating func countRow(columns: Int) throws(ConnectorError) {
        rows += 1
        values += columns
        if rows > limits.rows {
            throw ConnectorError(.failed, "more than \(limits.rows) rows (limits.reply_max_rows)")
        }
        if values > limits.elements {
            throw ConnectorError(.failed, "more than \(limits.elements) values (limits.reply_max_elements)")
        }
    }

    static func tooLarge(_ limits: ReplyLimits) -> ConnectorError {
        ConnectorError(.failed, "reply larger than \(describe(bytes: limits.bytes)) (limits.reply_max_mb)")
    }

    /// `16 MiB` for whole mebibytes, else the number of bytes.
    static func describe(bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}

/// Text from a server cut to a length that is safe to scrub, store and show.
enum ServerText {
    /// The most bytes of one error message kept (the rest is dropped before it is scrubbed or stored).
    static let maximumBytes = 4096

    /// The C string's first ``maximumBytes`` bytes as text (an incomplete character at the cut
    /// becomes U+FFFD), with a note when something was cut.
    static func cut(_ pointer: UnsafePointer<CChar>) -> String {
        let length = strnlen(pointer, maximumBytes + 1)
        let kept = min(length, maximumBytes)
        let text = pointer.withMemoryRebound(to: UInt8.self, capacity: kept) {
            String(decoding: UnsafeBufferPointer(start: $0, count: kept), as: UTF8.self)
        }
        return length > maximumBytes ? text + "… (cut at 4 KiB)" : text
    }
}
