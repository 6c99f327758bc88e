import AssayCore
import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection driven without blocking: every wait is a poll(2) on its socket, bounded by
/// a deadline, so a server that accepts and never answers costs exactly the time allowed.
///
/// Connecting uses `PQconnectStartParams` + `PQconnectPoll`; queries use `PQsendQuery` or a
/// pipeline of `PQsendQueryParams`, read back with `PQconsumeInput`/`PQisBusy`/`PQgetResult`.
/// Host names are still resolved synchronously inside libpq (getaddrinfo); addresses are not.
final class LibPQConnection {
    private let handle: OpaquePointer
    private let address: String
    private let scrubber: SecretScrubber
    /// Whether a query was sent and its results not all read: closing then tries a cancel.
    private var busy = false
    private var closed = false

    private init(handle: OpaquePointer, address: String, scrubber: SecretScrubber) {
        self.handle = handle
        self.address = address
        self.scrubber = scrubber
    }

    deinit { close() }

    // MARK: - Connecting

    /// Opens a connection, giving up with `.timeout` at `connectTimeout` or `deadline`, whichever is first.
    static func connect(_ target: LibPQTarget, connectTimeout: Duration, deadline: Deadline)
        throws(ConnectorError) -> LibPQConnection
    {
        let connectDeadline = Deadline.after(connectTimeout)
        let limit = deadline.earliest(connectDeadline)
        let pairs = target.keywords(connectTimeout: connectTimeout)
        let started = withCStrings(pairs.map(\.0) + [nil]) { keywords in
            withCStrings(pairs.map(\.1) + [nil]) { values in PQconnectStartParams(keywords, values, 1) }
        }
        guard let handle = started else { throw ConnectorError(.failed, "libpq could not allocate a connection") }
        let connection = LibPQConnection(handle: handle, address: target.address, scrubber: target.scrubber)
        // libpq's default prints server notices to stderr; a connector's output is its answers.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        if PQstatus(handle) == CONNECTION_BAD {
            let message = connection.libpqMessage
            connection.close()
            throw Self.connectFailure(message, address: target.address, beforeNetwork: true)
        }
        var state = PGRES_POLLING_WRITING
        while true {
            switch state {
            case PGRES_POLLING_OK:
                PQsetnonblocking(handle, 1)
                return connection
            case PGRES_POLLING_FAILED:
                let message = connection.libpqMessage
                connection.close()
                throw Self.connectFailure(message, address: target.address, beforeNetwork: false)
            default:
                let socket = PQsocket(handle)
                let events = (state == PGRES_POLLING_READING ? Int16(POLLIN) : 0)
                    | (state == PGRES_POLLING_WRITING ? Int16(POLLOUT) : 0)
                let outcome = socket < 0 ? .failed(EBADF) : SocketWait.wait(socket, for: events, until: limit)
                switch outcome {
                case .ready: break
                case .timedOut:
                    connection.close()
                    let which = connectDeadline <= deadline
                        ? "the connect timeout (\(Self.milliseconds(connectTimeout)) ms)"
                        : "the call deadline"
                    throw ConnectorError(.timeout, "no answer from \(target.address) within \(which) while connecting")
                case .failed(let code):
                    connection.close()
                    throw ConnectorError(
                        .failed, "poll failed while connecting to \(target.address): \(StreamSocket.errnoText(code))")
                }
            }
            state = PQconnectPoll(handle)
        }
    }

    /// Classifies libpq's message for a failed connection attempt.
    static func connectFailure(_ message: String, address: String, beforeNetwork: Bool) -> ConnectorError {
        let lower = message.lowercased()
        let deniedMarkers = [
            "authentication failed", "no pg_hba.conf entry", "no password supplied", "password is required",
            "permission denied", "does not exist", "not permitted to log in", "too many connections",
            "too many clients", "no such user", "not allowed", "sasl authentication",
        ]
        let malformedMarkers = [
            "invalid connection option", "invalid uri", "missing \"=\"", "unterminated quoted string",
            "invalid sslmode", "invalid integer value", "invalid value for parameter", "invalid port number",
            "extra key/value separator", "invalid percent-encoded token",
        ]
        let kind: ConnectorError.Kind
        if deniedMarkers.contains(where: lower.contains) {
            kind = .denied
        } else if beforeNetwork, malformedMarkers.contains(where: lower.contains) {
            kind = .failed
        } else {
            kind = .unreachable
        }
        return ConnectorError(kind, "could not connect to \(address): \(message)")
    }

    // MARK: - Queries

    /// Runs a simple-protocol query (the only protocol PgBouncer's console speaks) and returns all
    /// of its results.
    func simpleQuery(_ sql: String, deadline: Deadline) throws(ConnectorError) -> [LibPQResult] {
        guard PQsendQuery(handle, sql) == 1 else { throw sendFailure() }
        busy = true
        var results: [LibPQResult] = []
        while let result = try nextResult(until: deadline) { results.append(result) }
        busy = false
        return results
    }

    /// One statement of a pipeline: extended protocol, so one SQL statement with `$n` parameters.
    struct Statement {
        var sql: String
        var parameters: [String?] = []
    }

    /// Sends the statements as one pipeline ending in a single Sync — one round trip — and returns,
    /// for each statement, its first result (`PGRES_PIPELINE_ABORTED` for those skipped after an error).
    func pipeline(_ statements: [Statement], deadline: Deadline) throws(ConnectorError) -> [LibPQResult] {
        guard PQenterPipelineMode(handle) == 1 else { throw sendFailure() }
        for statement in statements {
            let sent = withCStrings(statement.parameters) { values in
                PQsendQueryParams(handle, statement.sql, Int32(values.count), nil,
                                  values.isEmpty ? nil : values, nil, nil, 0)
            }
            guard sent == 1 else { throw sendFailure() }
        }
        guard PQpipelineSync(handle) == 1 else { throw sendFailure() }
        busy = true
        var firsts: [LibPQResult] = []
        var current: LibPQResult?
        var boundaries = 0
        while true {
            guard let result = try nextResult(until: deadline) else {
                if let first = current { firsts.append(first) }
                current = nil
                boundaries += 1
                if boundaries > statements.count + 1 { throw protocolFailure("too many result boundaries") }
                continue
            }
            if result.status == PGRES_PIPELINE_SYNC { break }
            if current == nil { current = result }
        }
        PQexitPipelineMode(handle)
        busy = false
        guard firsts.count == statements.count else {
            throw protocolFailure("expected \(statements.count) results, got \(firsts.count)")
        }
        return firsts
    }

    /// Waits for the next result of the current query: nil once they are all read.
    func nextResult(until deadline: Deadline) throws(ConnectorError) -> LibPQResult? {
        while true {
            let flush = PQflush(handle)
            if flush < 0 { throw lostConnection() }
            if flush == 0, PQisBusy(handle) == 0 {
                guard let result = PQgetResult(handle) else { return nil }
                let wrapped = LibPQResult(result)
                if wrapped.isError, PQstatus(handle) == CONNECTION_BAD { throw lostConnection() }
                return wrapped
            }
            let events = Int16(POLLIN) | (flush == 1 ? Int16(POLLOUT) : 0)
            switch SocketWait.wait(PQsocket(handle), for: events, until: deadline) {
            case .ready: break
            case .timedOut: throw ConnectorError(.timeout, "no answer from \(address) before the call deadline")
            case .failed(let code):
                throw ConnectorError(.failed, "poll failed on \(address): \(StreamSocket.errnoText(code))")
            }
            if PQconsumeInput(handle) == 0 { throw lostConnection() }
        }
    }

    /// Whether the server left a transaction open (after an error inside one, say).
    var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Whether libpq still considers the connection usable.
    var isHealthy: Bool { !closed && PQstatus(handle) == CONNECTION_OK && !busy }

    // MARK: - Server facts (no round trip)

    func parameterStatus(_ name: String) -> String? {
        guard let value = PQparameterStatus(handle, name) else { return nil }
        return String(cString: value)
    }

    var serverVersion: Int { Int(PQserverVersion(handle)) }

    // MARK: - Closing

    /// Drops the connection. If a query is still running, first asks the server to cancel it,
    /// best effort and without waiting (see ``BestEffortCancel``). Safe to call more than once.
    func close() {
        guard !closed else { return }
        closed = true
        if busy, PQstatus(handle) == CONNECTION_OK, let cancel = PQgetCancel(handle) {
            BestEffortCancel.dispatch(cancel)
        }
        PQfinish(handle)
    }

    // MARK: - Messages

    /// libpq's current error message, scrubbed of secrets.
    private var libpqMessage: String {
        scrubber.scrub(String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines())
    }

    private func lostConnection() -> ConnectorError {
        ConnectorError(.unreachable, "lost the connection to \(address): \(libpqMessage)")
    }

    private func sendFailure() -> ConnectorError {
        PQstatus(handle) == CONNECTION_BAD
            ? lostConnection()
            : ConnectorError(.failed, "could not send to \(address): \(libpqMessage)")
    }

    private func protocolFailure(_ detail: String) -> ConnectorError {
        ConnectorError(.failed, "unexpected answer from \(address): \(detail)")
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}

/// Calls `body` with C copies of the strings (nil stays NULL), freed afterwards.
func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}
