import AssayCore

/// The lazily opened libpq connection behind a connector, shared by PostgreSQL and PgBouncer,
/// with whatever the connector learned about it when it opened (`State`: the PostgreSQL
/// connector's login and slot facts; nothing for PgBouncer).
///
/// The first call connects, then runs `prepare` on the new connection (which may refuse it). An
/// error that leaves the connection in doubt (timeout, lost connection, unreadable answer, a reply
/// over its caps) closes it — cancelling a query still running — so a later call starts afresh;
/// an error the server answered with (`.denied`) or a refusal keeps it open, once the connector
/// has rolled back what the call began. No call inherits anything from the one before.
///
/// A connection that was lost while idle (the server restarted, or closed it after
/// `idle_session_timeout` or PgBouncer's `client_idle_timeout`) is noticed on the next call, which
/// then reconnects and asks once more: every question is read-only, so asking twice is harmless.
final class LibPQClient<State> {
    typealias Prepare = (LibPQConnection, Deadline) throws(ConnectorError) -> State

    let target: LibPQTarget
    let options: ConnectorOptions
    private let prepare: Prepare
    private var connection: LibPQConnection?
    private var state: State?

    init(target: LibPQTarget, options: ConnectorOptions, prepare: @escaping Prepare) {
        self.target = target
        self.options = options
        self.prepare = prepare
    }

    deinit { close() }

    /// Runs `body` on an open connection, connecting first if needed.
    func withConnection<T>(deadline: Deadline, _ body: (LibPQConnection, State) throws(ConnectorError) -> T)
        throws(ConnectorError) -> T
    {
        guard !deadline.hasPassed else {
            throw ConnectorError(.timeout, "the call deadline had passed before anything was sent to \(target.address)")
        }
        let reused = connection != nil
        do {
            return try attempt(deadline: deadline, body)
        } catch where reused && error.kind == .unreachable && !deadline.hasPassed {
            return try attempt(deadline: deadline, body)
        }
    }

    private func attempt<T>(deadline: Deadline, _ body: (LibPQConnection, State) throws(ConnectorError) -> T)
        throws(ConnectorError) -> T
    {
        let (connection, state) = try open(deadline: deadline)
        do {
            let value = try body(connection, state)
            if !connection.isHealthy { close() }
            return value
        } catch {
            if error.kind != .denied && error.kind != .refused || !connection.isHealthy { close() }
            // Server error messages (SQL errors) may echo what a query held: scrub them here.
            throw ConnectorError(error.kind, target.scrubber.scrub(error.message))
        }
    }

    /// The open connection and its state, connecting and preparing first if needed. Connect
    /// errors carry libpq's message, which ``LibPQConnection`` has already scrubbed.
    private func open(deadline: Deadline) throws(ConnectorError) -> (LibPQConnection, State) {
        if let connection, let state { return (connection, state) }
        close()
        let opened = try LibPQConnection.connect(
            target, connectTimeout: options.connectTimeout, limits: options.replyLimits, deadline: deadline)
        do {
            let prepared = try prepare(opened, deadline)
            connection = opened
            state = prepared
            return (opened, prepared)
        } catch {
            opened.close()
            throw ConnectorError(error.kind, target.scrubber.scrub(error.message))
        }
    }

    func close() {
        connection?.close()
        connection = nil
        state = nil
    }
}
