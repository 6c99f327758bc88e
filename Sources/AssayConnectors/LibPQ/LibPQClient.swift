import AssayCore

/// The lazily opened libpq connection behind a connector, shared by PostgreSQL and PgBouncer.
///
/// The first call connects. An error that leaves the connection in doubt (timeout, lost
/// connection, protocol trouble) closes it — cancelling a query still running — so a later call
/// starts afresh; an error the server answered with (`.denied`) or a refusal keeps it open.
///
/// A connection that was lost while idle (the server restarted, or closed it after
/// `idle_session_timeout` or PgBouncer's `client_idle_timeout`) is noticed on the next call, which
/// then reconnects and asks once more: every question is read-only, so asking twice is harmless.
final class LibPQClient {
    let target: LibPQTarget
    let options: ConnectorOptions
    private var connection: LibPQConnection?

    init(target: LibPQTarget, options: ConnectorOptions) {
        self.target = target
        self.options = options
    }

    deinit { close() }

    /// Runs `body` on an open connection, connecting first if needed.
    func withConnection<T>(deadline: Deadline, _ body: (LibPQConnection) throws(ConnectorError) -> T)
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

    private func attempt<T>(deadline: Deadline, _ body: (LibPQConnection) throws(ConnectorError) -> T)
        throws(ConnectorError) -> T
    {
        let connection = try open(deadline: deadline)
        do {
            let value = try body(connection)
            if !connection.isHealthy { close() }
            return value
        } catch {
            if error.kind != .denied && error.kind != .refused || !connection.isHealthy { close() }
            // Server error messages (SQL errors) may echo what a query held: scrub them here.
            throw ConnectorError(error.kind, target.scrubber.scrub(error.message))
        }
    }

    /// The open connection, connecting first if needed. Connect errors carry libpq's message,
    /// which ``LibPQConnection`` has already scrubbed.
    func open(deadline: Deadline) throws(ConnectorError) -> LibPQConnection {
        if let connection { return connection }
        let opened = try LibPQConnection.connect(target, connectTimeout: options.connectTimeout, deadline: deadline)
        connection = opened
        return opened
    }

    func close() {
        connection?.close()
        connection = nil
    }
}
