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
/// Connecting uses `PQconnectStartParams` + `PQconnectPoll`; once open, the connection's socket
/// is taken over by a ``SocketRelay``, through which every byte from the server is counted before
/// libpq sees it. Queries use `PQsendQuery` or a pipeline of `PQsendQueryParams` in single-row
/// mode, read back with `PQconsumeInput`/`PQisBusy`/`PQgetResult` and held to ``ReplyLimits`` as
/// they arrive (see `LibPQConnection+Results.swift`). Host names are still resolved synchronously
/// inside libpq (getaddrinfo); addresses are not.
final class LibPQConnection {
    let handle: OpaquePointer
    let address: String
    let scrubber: SecretScrubber
    /// Whether a query was sent and its results not all read: closing then tries a cancel.
    var busy = false
    private var closed = false
    /// Set once the connection is open.
    private(set) var relay: SocketRelay!

    private init(handle: OpaquePointer, address: String, scrubber: SecretScrubber) {
        self.handle = handle
        self.address = address
        self.scrubber = scrubber
    }

    deinit { close() }

    // MARK: - Connecting

    /// Opens a connection, giving up with `.timeout` at `connectTimeout` or `deadline`, whichever is
    /// first, and with `.failed` if the server sends more than `limits.bytes` before it is ready.
    static func connect(_ target: LibPQTarget, connectTimeout: Duration, limits: ReplyLimits, deadline: Deadline)
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
            throw LibPQFailure.connecting(message, address: target.address, beforeNetwork: true)
        }
        var state = PGRES_POLLING_WRITING
        while true {
            switch state {
            case PGRES_POLLING_OK:
                PQsetnonblocking(handle, 1)
                do {
                    connection.relay = try SocketRelay(takingOver: PQsocket(handle))
                } catch {
                    connection.close()
                    throw error
                }
                return connection
            case PGRES_POLLING_FAILED:
                let message = connection.libpqMessage
                connection.close()
                throw LibPQFailure.connecting(message, address: target.address, beforeNetwork: false)
            default:
                let socket = PQsocket(handle)
                // Until the relay takes over: a new TCP socket counts from zero, so whatever arrived
                // on it came while connecting (libpq itself caps the length of login messages).
                if let received = ReceivedBytes.count(socket), received > UInt64(limits.bytes) {
                    connection.close()
                    throw ConnectorError(.failed, "\(target.address) sent more than "
                        + "\(ReplyMeter.describe(bytes: limits.bytes)) while connecting (limits.reply_max_mb)")
                }
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

    // MARK: - State

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
        return ServerText.cut(value)
    }

    var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// `host:port` of the server this connection reached (a unix socket's folder for `host`).
    var serverEndpoint: String {
        let host = PQhost(handle).map { String(cString: $0) } ?? "?"
        let port = PQport(handle).map { String(cString: $0) } ?? "?"
        return "\(host):\(port)"
    }

    // MARK: - Closing

    /// Drops the connection. If a query is still running, first asks the server to cancel it,
    /// best effort and without waiting (see ``BestEffortCancel``). Safe to call more than once.
    func close() {
        guard !closed else { return }
        closed = true
        let wasBusy = busy
        if busy, PQstatus(handle) == CONNECTION_OK, let cancel = PQgetCancel(handle) {
            BestEffortCancel.dispatch(cancel)
        }
        PQfinish(handle)
        // An idle connection ends as the server sees it end (its backend gone), so the audit never
        // holds more connections than its budget, even for the moment a backend takes to exit.
        if wasBusy { relay?.close() } else { relay?.closeGracefully(milliseconds: 500) }
    }

    // MARK: - Messages

    /// libpq's current error message, cut to 4 KiB and scrubbed of secrets.
    var libpqMessage: String {
        guard let message = PQerrorMessage(handle) else { return "" }
        return scrubber.scrub(ServerText.cut(message).trimmingTrailingNewlines())
    }

    /// The error for a connection libpq gave up on while a reply was read or a query sent.
    func lostConnection() -> ConnectorError {
        LibPQFailure.lost(libpqMessage, address: address)
    }

    func sendFailure() -> ConnectorError {
        PQstatus(handle) == CONNECTION_BAD
            ? lostConnection()
            : ConnectorError(.failed, "could not send to \(address): \(libpqMessage)")
    }

    func protocolFailure(_ detail: String) -> ConnectorError {
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
