import AssayCore
import CLibPQ

extension PostgresConnector {
    /// Runs one statement in a read-only transaction that is always rolled back, in one round trip:
    /// `BEGIN TRANSACTION READ ONLY`, `SET LOCAL statement_timeout` and `lock_timeout`, the
    /// statement (its rows read one at a time, held to the reply caps), a witness, `ROLLBACK` —
    /// pipelined with a single Sync, so an error anywhere skips the rest and the statement never
    /// runs outside the transaction.
    ///
    /// The witness asks, inside the same transaction, whether the statement assigned a
    /// transaction id or took an advisory lock (which would outlive the rollback). Neither can
    /// happen to a statement the inspection let through; if one does anyway, the call is refused
    /// and the connection closed, which releases any such lock.
    func runReadOnly(_ sql: String, parameters: [String?], connection: LibPQConnection, session: PostgresSession,
                     deadline: Deadline) throws(ConnectorError) -> [JSONValue]
    {
        let limits = client.options.replyLimits
        let timeout = Self.statementTimeout(until: deadline)
        let outcomes = try connection.pipeline([
            .control("BEGIN TRANSACTION READ ONLY"),
            .control("SET LOCAL statement_timeout = \(timeout)"),
            .control("SET LOCAL lock_timeout = \(Self.lockTimeout(statementTimeout: timeout))"),
            LibPQStatement(sql: sql, parameters: parameters),
            LibPQStatement(sql: """
                SELECT \(session.xidAssignedSQL) AS xid_assigned,
                       EXISTS (SELECT FROM pg_catalog.pg_locks
                               WHERE pid = pg_catalog.pg_backend_pid() AND locktype = 'advisory') AS advisory_locks
                """),
            .control("ROLLBACK"),
        ], limits: limits, scrub: client.target.scrubber.scrub, deadline: deadline)
        try Self.rollBackIfOpen(connection, limits: limits, deadline: deadline)
        if let failure = outcomes.lazy.compactMap(\.error).first {
            throw Self.serverError(failure, address: address)
        }
        guard let rows = outcomes[3].rows, let witness = outcomes[4].rows?.first else {
            throw connection.protocolFailure("the statement gave no result")
        }
        let xid = witness["xid_assigned"]?.boolValue ?? true
        let advisory = witness["advisory_locks"]?.boolValue ?? true
        if xid || advisory {
            connection.close()
            throw ConnectorError(.refused, "query refused after it ran: it "
                + (xid ? "assigned a transaction id" : "took an advisory lock")
                + "; the connection was closed so that nothing it did outlives the call")
        }
        return rows
    }

    /// Ends a transaction that a failed pipeline left open (one more round trip, on error paths only).
    static func rollBackIfOpen(_ connection: LibPQConnection, limits: ReplyLimits, deadline: Deadline)
        throws(ConnectorError)
    {
        guard connection.isInTransaction else { return }
        let outcomes = try connection.simpleQuery("ROLLBACK", limits: limits, scrub: { $0 }, deadline: deadline)
        if connection.isInTransaction || outcomes.contains(where: { $0.error != nil }) {
            connection.close()
            throw ConnectorError(.failed, "could not roll back on \(connection.address); the connection was closed")
        }
    }

    /// Milliseconds for `statement_timeout`: what is left of the deadline, less a margin (a tenth,
    /// at most 100 ms) so that the server usually stops the statement just before the client gives up.
    static func statementTimeout(until deadline: Deadline) -> Int32 {
        let remaining = deadline.remainingMilliseconds
        return max(1, remaining - min(100, remaining / 10))
    }

    /// Milliseconds for `lock_timeout`: an audit never waits long behind another session's lock
    /// (and so never long holds up the sessions queued behind it): at most 1 s.
    static func lockTimeout(statementTimeout: Int32) -> Int32 {
        min(1000, statementTimeout)
    }

    /// The connector error for an error the server (or libpq) reported: SQLSTATE and message.
    static func serverError(_ error: LibPQServerError, address: String) -> ConnectorError {
        guard let state = error.sqlState else {
            // libpq made this error up: the server's answer could not be read.
            return ConnectorError(.failed, "unexpected answer from \(address): \(error.message)")
        }
        let message = "SQLSTATE \(state): \(error.message)"
        switch state {
        case "57014" where error.message.contains("statement timeout"):
            return ConnectorError(.timeout, message + " (statement_timeout is set from the call deadline)")
        case "08P01":
            // A protocol violation the server reports for the call itself, such as a parameter for
            // a statement that takes none: the check's mistake, not the server's.
            return ConnectorError(.refused, "the call does not fit the statement: \(message)")
        case "25006":
            // read_only_sql_transaction: a write stopped by the READ ONLY transaction. The check's
            // mistake: refused, so it always ends as an error finding instead of a quiet `nil, message`.
            return ConnectorError(.refused, "write refused: \(message)")
        case "55P03":
            return ConnectorError(.denied, message + " (Assay does not wait for locks)")
        case "57P01", "57P02", "57P03":
            return ConnectorError(.unreachable, message)
        default:
            return ConnectorError(state.hasPrefix("08") ? .unreachable : .denied, message)
        }
    }
}
