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

/// Connect timeout and per-call deadline for live targets.
public struct ConnectorOptions: Hashable, Sendable {
    /// Default 5 s.
    public var connectTimeout: Duration
    /// Default 10 s.
    public var callTimeout: Duration

    public init(connectTimeout: Duration = .seconds(5), callTimeout: Duration = .seconds(10)) {
        self.connectTimeout = connectTimeout
        self.callTimeout = callTimeout
    }

    /// The deadline a call really has: the caller's, capped by ``callTimeout``.
    func callDeadline(_ deadline: Deadline) -> Deadline {
        deadline.earliest(.after(callTimeout))
    }
}
