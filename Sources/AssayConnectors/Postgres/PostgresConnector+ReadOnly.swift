import AssayCore
import CLibPQ

extension PostgresConnector {
    /// Runs one statement in a read-only transaction that is always rolled back, in one round trip:
    /// `BEGIN TRANSACTION READ ONLY`, `SET LOCAL statement_timeout`, the statement, `ROLLBACK`,
    /// pipelined with a single Sync — an error anywhere skips the rest, so the statement never
    /// runs outside the transaction.
    func runReadOnly(_ sql: String, parameters: [String?], deadline: Deadline) throws(ConnectorError) -> [JSONValue] {
        try client.withConnection(deadline: deadline) { connection throws(ConnectorError) in
            let results = try connection.pipeline([
                .init(sql: "BEGIN TRANSACTION READ ONLY"),
                .init(sql: "SET LOCAL statement_timeout = \(Self.statementTimeout(until: deadline))"),
                .init(sql: sql, parameters: parameters),
                .init(sql: "ROLLBACK"),
            ], deadline: deadline)
            if connection.isInTransaction {
                _ = try connection.simpleQuery("ROLLBACK", deadline: deadline)
            }
            if let failure = results.first(where: \.isError) { throw Self.serverError(failure) }
            let answer = results[2]
            guard answer.status == PGRES_TUPLES_OK || answer.status == PGRES_COMMAND_OK else {
                throw ConnectorError(.failed, "unexpected result status \(answer.status.rawValue) from \(address)")
            }
            return answer.rows(scrub: client.target.scrubber.scrub)
        }
    }

    /// Milliseconds for `statement_timeout`: what is left of the deadline, less a margin (a tenth,
    /// at most 100 ms) so that the server usually stops the statement just before the client gives up.
    static func statementTimeout(until deadline: Deadline) -> Int32 {
        let remaining = deadline.remainingMilliseconds
        return max(1, remaining - min(100, remaining / 10))
    }

    /// The connector error for an error result: SQLSTATE and the server's message.
    static func serverError(_ result: LibPQResult) -> ConnectorError {
        let state = result.sqlState ?? "?????"
        let message = "SQLSTATE \(state): \(result.errorMessage)"
        if state == "57014", message.contains("statement timeout") { return ConnectorError(.timeout, message) }
        if state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state) {
            return ConnectorError(.unreachable, message)
        }
        // 25006 read_only_sql_transaction: a write that got past the guard and was stopped by the
        // READ ONLY transaction. It is the check's mistake, not the server's answer: refuse it, so
        // it always ends as an error finding instead of a quiet `nil, message`.
        if state == "25006" { return ConnectorError(.refused, "write refused: \(message)") }
        return ConnectorError(.denied, message)
    }
}
