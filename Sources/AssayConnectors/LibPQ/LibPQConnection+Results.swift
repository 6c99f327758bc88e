import AssayCore
import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// One step of a pipeline: extended protocol, so one SQL statement with `$n` parameters.
struct LibPQStatement {
    enum Kind {
        /// Parse, bind and execute `sql` with `parameters`.
        case execute
        /// Parse `sql` into the unnamed prepared statement (parse analysis and rewriting only:
        /// nothing is planned or run).
        case prepare
        /// Describe the unnamed prepared statement: its parameters and result columns.
        case describe
    }

    var sql: String
    var parameters: [String?] = []
    var kind: Kind = .execute
    /// Whether the statement may return rows; a row for one that may not (`BEGIN`) means the
    /// answer is not the server's to this question, and the pipeline stops there.
    var returnsRows = true

    static let describe = LibPQStatement(sql: "", kind: .describe, returnsRows: false)

    /// A statement without rows, such as `BEGIN` or `SET LOCAL`.
    static func control(_ sql: String) -> LibPQStatement { LibPQStatement(sql: sql, returnsRows: false) }
}

/// An error the server (or libpq, for an answer it could not read) reported for one statement.
struct LibPQServerError: Hashable {
    /// The SQLSTATE the server sent; nil when libpq made the error up itself.
    var sqlState: String?
    /// At most 4 KiB of the primary message, not yet scrubbed.
    var message: String
}

/// What became of one statement.
enum LibPQOutcome: Hashable {
    /// A statement that returns rows, with its rows (possibly none).
    case rows([JSONValue])
    /// A statement without rows that succeeded (`BEGIN`, `SET LOCAL`, `ROLLBACK`, a prepare).
    case completed
    /// What a describe found: how many result columns and parameters the statement has.
    case described(columns: Int, parameters: Int)
    /// The statement failed.
    case failed(LibPQServerError)
    /// Skipped because an earlier statement of the pipeline failed.
    case skipped

    var rows: [JSONValue]? {
        if case .rows(let rows) = self { return rows }
        return nil
    }

    var error: LibPQServerError? {
        if case .failed(let error) = self { return error }
        return nil
    }
}

extension LibPQConnection {
    /// Most result sets one simple-protocol query may produce (the console sends one).
    static let maximumResultSets = 16

    // MARK: - Pipelines

    /// Sends the statements as one pipeline ending in a single Sync — one round trip — and returns
    /// what became of each. Rows arrive one at a time (single-row mode) and are counted against
    /// `limits` as they come; every string passes through `scrub`.
    ///
    /// Server errors are outcomes; the throws are for the connection itself (deadline, lost
    /// connection, unreadable answers, caps), after which it must be closed.
    func pipeline(_ statements: [LibPQStatement], limits: ReplyLimits, scrub: (String) -> String, deadline: Deadline)
        throws(ConnectorError) -> [LibPQOutcome]
    {
        guard PQenterPipelineMode(handle) == 1 else { throw sendFailure() }
        for statement in statements {
            let sent: Int32
            switch statement.kind {
            case .execute:
                sent = withCStrings(statement.parameters) { values in
                    PQsendQueryParams(handle, statement.sql, Int32(values.count), nil,
                                      values.isEmpty ? nil : values, nil, nil, 0)
                }
            case .prepare: sent = PQsendPrepare(handle, "", statement.sql, 0, nil)
            case .describe: sent = PQsendDescribePrepared(handle, "")
            }
            guard sent == 1 else { throw sendFailure() }
        }
        guard PQpipelineSync(handle) == 1 else { throw sendFailure() }
        busy = true
        var meter = ReplyMeter(limits: limits, relay: relay)
        var outcomes: [LibPQOutcome] = []
        for statement in statements {
            outcomes.append(try readStatement(statement, meter: &meter, scrub: scrub, deadline: deadline))
        }
        guard let sync = try nextResult(meter: &meter, deadline: deadline), sync.status == PGRES_PIPELINE_SYNC else {
            throw protocolFailure("the pipeline did not end where it should")
        }
        guard PQexitPipelineMode(handle) == 1 else { throw protocolFailure("results after the end of the pipeline") }
        busy = false
        return outcomes
    }

    /// Reads the results of the next statement of a pipeline, up to the null result that ends them.
    private func readStatement(_ statement: LibPQStatement, meter: inout ReplyMeter, scrub: (String) -> String,
                               deadline: Deadline) throws(ConnectorError) -> LibPQOutcome
    {
        PQsetSingleRowMode(handle)  // 0 when it does not apply (a statement without rows): fine
        meter.beginStatement()
        var rows: [JSONValue] = []
        var names: [String]?
        var outcome: LibPQOutcome?
        while let result = try nextResult(meter: &meter, deadline: deadline) {
            guard outcome == nil else { throw protocolFailure("more results than statements") }
            switch result.status {
            case PGRES_SINGLE_TUPLE, PGRES_TUPLES_OK:
                guard statement.returnsRows else { throw protocolFailure("rows for a statement that returns none") }
                let columns = names ?? result.columnNames(scrub: scrub)
                names = columns
                for row in 0..<result.rowCount {
                    try meter.countRow(columns: columns.count)
                    rows.append(result.row(row, names: columns, scrub: scrub))
                }
                if result.status == PGRES_TUPLES_OK { outcome = .rows(rows) }
            case PGRES_COMMAND_OK where statement.kind == .describe:
                outcome = .described(columns: result.columnCount, parameters: Int(PQnparams(result.handle)))
            case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                outcome = .completed
            case PGRES_PIPELINE_ABORTED:
                outcome = .skipped
            case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
                // An error without SQLSTATE is libpq's own: the answer could not be read, and
                // whatever follows it cannot be trusted either.
                guard let state = result.sqlState else { throw protocolFailure(result.errorMessage) }
                outcome = .failed(LibPQServerError(sqlState: state, message: result.errorMessage))
            case PGRES_PIPELINE_SYNC:
                throw protocolFailure("the pipeline ended before all its statements")
            default:
                throw protocolFailure("unexpected result status \(result.status.rawValue)")
            }
        }
        guard let outcome else { throw protocolFailure("a statement ended without a result") }
        return outcome
    }

    // MARK: - Simple protocol

    /// Runs a simple-protocol query (the only protocol PgBouncer's console speaks) and returns what
    /// became of each of its result sets, rows counted against `limits` as they arrive.
    func simpleQuery(_ sql: String, limits: ReplyLimits, scrub: (String) -> String, deadline: Deadline)
        throws(ConnectorError) -> [LibPQOutcome]
    {
        guard PQsendQuery(handle, sql) == 1 else { throw sendFailure() }
        PQsetSingleRowMode(handle)
        busy = true
        var meter = ReplyMeter(limits: limits, relay: relay)
        var outcomes: [LibPQOutcome] = []
        var rows: [JSONValue] = []
        var names: [String]?
        while let result = try nextResult(meter: &meter, deadline: deadline) {
            switch result.status {
            case PGRES_SINGLE_TUPLE, PGRES_TUPLES_OK:
                let columns = names ?? result.columnNames(scrub: scrub)
                names = columns
                for row in 0..<result.rowCount {
                    try meter.countRow(columns: columns.count)
                    rows.append(result.row(row, names: columns, scrub: scrub))
                }
                guard result.status == PGRES_TUPLES_OK else { continue }
                outcomes.append(.rows(rows))
                rows = []
                names = nil
            case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                outcomes.append(.completed)
            case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
                guard let state = result.sqlState else { throw protocolFailure(result.errorMessage) }
                outcomes.append(.failed(LibPQServerError(sqlState: state, message: result.errorMessage)))
            default:
                throw protocolFailure("unexpected result status \(result.status.rawValue)")
            }
            if outcomes.count > Self.maximumResultSets {
                throw protocolFailure("more than \(Self.maximumResultSets) result sets for one query")
            }
        }
        busy = false
        return outcomes
    }

    // MARK: - Reading

    /// Waits for the next result of the current query: nil once they are all read. Bytes reach
    /// libpq only through the relay, which counts them first.
    func nextResult(meter: inout ReplyMeter, deadline: Deadline) throws(ConnectorError) -> LibPQResult? {
        while true {
            // A server that streams without pause never makes us wait: the deadline is checked here too.
            if deadline.hasPassed { throw ConnectorError(.timeout, "no complete answer from \(address) before the call deadline") }
            let flush = PQflush(handle)
            if flush < 0 { throw lostConnection() }
            if flush == 0, PQisBusy(handle) == 0 {
                guard let result = PQgetResult(handle) else { return nil }
                let wrapped = LibPQResult(result)
                if wrapped.isError, wrapped.sqlState == nil, PQstatus(handle) == CONNECTION_BAD {
                    throw lostConnection()
                }
                return wrapped
            }
            // Move what can move and let libpq read it. Wait only when nothing moved, libpq has read
            // all the relay gave it and still needs more: it reads only inside PQconsumeInput,
            // perhaps a part of what is there, so waiting otherwise could stall for ever.
            let moved = try relay.transfer(limit: meter.limits, since: meter.start)
            if PQconsumeInput(handle) == 0 { throw lostConnection() }
            if moved || relay.libpqHasUnread || PQisBusy(handle) == 0 { continue }
            switch relay.wait(until: deadline) {
            case .ready: continue
            case .timedOut: throw ConnectorError(.timeout, "no answer from \(address) before the call deadline")
            case .failed(let code):
                throw ConnectorError(.failed, "poll failed on \(address): \(StreamSocket.errnoText(code))")
            }
        }
    }
}
