import AssayCore

/// A source of facts about one target: a live server or a folder of configuration files.
///
/// Connectors are read-only by construction: every operation they accept is a question.
/// A connector opens its connection lazily on the first call and is used by one thread at a time
/// (``TargetSession`` serialises calls, memoizes answers and records them).
///
/// # Implementation requirements
/// - Refuse any operation or argument that could change the target with ``ConnectorError/Kind/refused``,
///   before anything is sent.
/// - Honour the deadline: return ``ConnectorError/Kind/timeout`` when it passes, whatever the server does.
/// - Never put a password, token or other secret into a result or an error message; replace secret
///   values with ``SecretRedaction/describe(_:)``.
public protocol Connector: AnyObject {
    /// The kind of target this connector talks to.
    var kind: TargetKind { get }

    /// Where it talks to, safe to show: no password, token or other secret.
    var address: String { get }

    /// Answers one read-only question.
    /// - Parameters:
    ///   - operation: the connector's verb, such as `query` (PostgreSQL), `show` (PgBouncer),
    ///     `command` (Redis), `get` (Docker) or `configs` (files).
    ///   - arguments: the verb's arguments.
    ///   - deadline: when to give up; connecting counts against it too.
    func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) throws(ConnectorError) -> JSONValue

    /// Closes the connection, if any. Safe to call more than once.
    func close()
}

/// Why a connector could not answer.
public struct ConnectorError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The target refused or dropped the connection, or its address does not resolve.
        case unreachable
        /// The connect timeout or the call deadline passed.
        case timeout
        /// Assay refused the call itself: not read-only, or not a known operation.
        case refused
        /// The target answered with an error (permission denied, unknown command, SQL error).
        case denied
        /// Anything else: malformed answers, protocol errors.
        case failed
    }

    public var kind: Kind
    /// A readable message that carries no secret.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// Whether later calls to the same target should fail at once: a target that could not be
    /// reached or stopped answering is not asked again within the run.
    public var isSticky: Bool { kind == .unreachable || kind == .timeout }
}

/// Caps on what one connector reply may hold, enforced while the reply is read (never after it
/// has been buffered whole). A reply over a cap fails its call with ``ConnectorError/Kind/failed``
/// ("reply larger than 16 MiB (limits.reply_max_mb)") and the connection is dropped.
public struct ReplyLimits: Hashable, Sendable {
    /// Bytes of one reply as received (default 16 MiB).
    public var bytes: Int
    /// Rows of one PostgreSQL or PgBouncer result (default 100 000).
    public var rows: Int
    /// Values in one reply: Redis array elements, JSON values (default 1 000 000).
    public var elements: Int
    /// Nesting of Redis arrays and JSON containers (default 64).
    public var depth: Int

    public init(bytes: Int = 16 << 20, rows: Int = 100_000, elements: Int = 1_000_000, depth: Int = 64) {
        self.bytes = bytes
        self.rows = rows
        self.elements = elements
        self.depth = depth
    }
}

/// Connect timeout, per-call deadline and reply caps for live targets.
public struct ConnectorOptions: Hashable, Sendable {
    /// Default 5 s.
    public var connectTimeout: Duration
    /// Default 10 s.
    public var callTimeout: Duration
    /// What one reply may hold.
    public var replyLimits: ReplyLimits

    public init(connectTimeout: Duration = .seconds(5), callTimeout: Duration = .seconds(10), replyLimits: ReplyLimits = ReplyLimits()) {
        self.connectTimeout = connectTimeout
        self.callTimeout = callTimeout
        self.replyLimits = replyLimits
    }

    /// The deadline a call really has: the caller's, capped by ``callTimeout``.
    func callDeadline(_ deadline: Deadline) -> Deadline {
        deadline.earliest(.after(callTimeout))
    }
}
