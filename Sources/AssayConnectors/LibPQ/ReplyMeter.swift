import AssayCore

#if canImport(Glibc)
import Glibc
#endif

/// Holds one libpq reply to ``ReplyLimits`` while it is read, never after it has been buffered.
///
/// Two counts, both checked as data arrives:
/// - **bytes**: on TCP, everything the kernel received on the socket since the reply began
///   (``ReceivedBytes``) — that bounds what libpq can have buffered, even inside one huge or lying
///   message; on a unix socket, which has no such counter, the bytes of the values handed over;
/// - **rows and values**: each row of a single-row-mode result as it is handed over, per statement
///   (a pipeline's bookkeeping statements do not count against the question's rows).
///
/// Any cap passed fails the call with `.failed` and the caller drops the connection, so whatever
/// libpq still buffers is freed with it.
struct ReplyMeter {
    let limits: ReplyLimits
    private let socket: Int32
    private let baseline: UInt64?
    private(set) var rows = 0
    private(set) var values = 0
    private(set) var valueBytes = 0

    /// Starts counting on the connection's socket from what it has received so far.
    init(limits: ReplyLimits, socket: Int32) {
        self.limits = limits
        self.socket = socket
        self.baseline = ReceivedBytes.count(socket)
    }

    /// Bytes this reply has brought so far (by the socket's counter where there is one).
    var bytes: Int {
        if let baseline, let now = ReceivedBytes.count(socket) { return Int(clamping: now &- baseline) }
        return valueBytes
    }

    /// After libpq read from the socket: fails once more bytes arrived than the cap allows.
    func checkReceived() throws(ConnectorError) {
        if bytes > limits.bytes { throw Self.tooLarge(limits) }
    }

    /// Starts counting the rows and values of the next statement of a pipeline.
    mutating func beginStatement() {
        rows = 0
        values = 0
    }

    /// Counts one row of `columns` values holding `bytes` bytes.
    mutating func countRow(columns: Int, bytes: Int) throws(ConnectorError) {
        rows += 1
        values += columns
        valueBytes += bytes
        if rows > limits.rows {
            throw ConnectorError(.failed, "more than \(limits.rows) rows (limits.reply_max_rows)")
        }
        if values > limits.elements {
            throw ConnectorError(.failed, "more than \(limits.elements) values (limits.reply_max_elements)")
        }
        try checkReceived()
        if valueBytes > limits.bytes { throw Self.tooLarge(limits) }
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
