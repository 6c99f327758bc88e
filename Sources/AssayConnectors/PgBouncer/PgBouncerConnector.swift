import AssayCore

/// Reads PgBouncer's admin console (the `pgbouncer` database) over libpq.
///
/// Operations:
/// - `show` `[name]` → the rows of `SHOW name`, each an object keyed by column name (so checks
///   work across versions whose columns moved), typed as ``LibPQValue`` describes. `name` is one
///   of ``showNames``, in any case; anything else — `SHOW FDS`, or a command such as `PAUSE`,
///   `RELOAD`, `KILL`, `SET` — is refused before anything is sent.
/// - `version` `[]` → `{version, major, minor, patch}` from `SHOW VERSION`
///   (`"PgBouncer 1.18.0"` → 1, 18, 0).
///
/// The console speaks only the simple query protocol: each question is one `PQsendQuery` of
/// `SHOW NAME;`, outside any transaction, its rows read one at a time and held to the reply caps
/// (``ReplyLimits``) as they arrive; error messages are cut at 4 KiB. Connecting needs a user
/// listed in `stats_users` (or `admin_users`) of pgbouncer.ini.
public final class PgBouncerConnector: Connector {
    /// The operations ``call(_:_:deadline:)`` answers.
    public static let operations = ["show", "version"]

    /// What `show` accepts: the console's read-only SHOW commands, upper-case.
    public static let showNames: Set<String> = [
        "POOLS", "STATS", "STATS_TOTALS", "STATS_AVERAGES", "TOTALS", "DATABASES", "SERVERS", "CLIENTS", "CONFIG",
        "LISTS", "MEM", "VERSION", "STATE", "USERS", "DNS_HOSTS", "DNS_ZONES",
    ]

    public var kind: TargetKind { .pgbouncer }
    /// The console URL or `key=value` string with any password removed, for reports.
    public let address: String

    private let client: LibPQClient<Void>

    /// - Parameters:
    ///   - url: a libpq URL or `key=value` string for the console, e.g.
    ///     `postgres://assay@127.0.0.1:6432/pgbouncer`; libpq options in it are honoured.
    ///   - password: used instead of any password in `url`; without either, libpq reads
    ///     `PGPASSWORD` or the pass file.
    ///   - options: the connect timeout and the longest a call may take.
    public init(url: String, password: String? = nil, options: ConnectorOptions = ConnectorOptions()) {
        let target = LibPQTarget(conninfo: url, password: password)
        self.address = target.address
        self.client = LibPQClient(target: target, options: options) { _, _ in }
    }

    public func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) throws(ConnectorError)
        -> JSONValue
    {
        let deadline = client.options.callDeadline(deadline)
        switch operation {
        case "show":
            guard arguments.count == 1, let requested = arguments[0].stringValue else {
                throw ConnectorError(.refused, "show expects [name]")
            }
            let name = requested.uppercased()
            guard Self.showNames.contains(name) else {
                throw ConnectorError(.refused, "SHOW \(requested) is not one of the console questions Assay asks ("
                    + Self.showNames.sorted().joined(separator: ", ") + ")")
            }
            return .array(try show(name, deadline: deadline))
        case "version":
            try PostgresConnector.expectNoArguments(operation, arguments)
            return try version(deadline: deadline)
        default:
            throw ConnectorError(.refused, "unknown PgBouncer operation '\(operation)' (known: "
                + Self.operations.joined(separator: ", ") + ")")
        }
    }

    public func close() { client.close() }

    // MARK: - Console

    /// `SHOW name;` over the simple protocol; `name` must already be one of ``showNames``.
    private func show(_ name: String, deadline: Deadline) throws(ConnectorError) -> [JSONValue] {
        try client.withConnection(deadline: deadline) { connection, _ throws(ConnectorError) in
            try rows(of: ask(connection, "SHOW \(name);", deadline: deadline), command: "SHOW \(name)")
        }
    }

    private func ask(_ connection: LibPQConnection, _ sql: String, deadline: Deadline) throws(ConnectorError)
        -> [LibPQOutcome]
    {
        try connection.simpleQuery(sql, limits: client.options.replyLimits, scrub: client.target.scrubber.scrub,
                                   deadline: deadline)
    }

    private func rows(of outcomes: [LibPQOutcome], command: String) throws(ConnectorError) -> [JSONValue] {
        if let failure = outcomes.lazy.compactMap(\.error).first {
            guard let state = failure.sqlState else {
                throw ConnectorError(.failed, "unexpected answer from \(address) to \(command): \(failure.message)")
            }
            throw ConnectorError(.denied, "\(command) failed: SQLSTATE \(state): \(failure.message)")
        }
        guard let table = outcomes.last(where: { $0.rows != nil })?.rows else {
            if outcomes.contains(.completed) { return [] }
            throw ConnectorError(.failed, "\(command) returned no rows from \(address)")
        }
        return table
    }

    private func version(deadline: Deadline) throws(ConnectorError) -> JSONValue {
        let (answer, status) = try client.withConnection(deadline: deadline) {
            connection, _ throws(ConnectorError) -> ([JSONValue], String?) in
            let answer = try rows(of: ask(connection, "SHOW VERSION;", deadline: deadline), command: "SHOW VERSION")
            return (answer, connection.parameterStatus("server_version"))
        }
        // One row, one column (`version`) since 1.12; older consoles answered with a notice only,
        // so fall back to the server_version PgBouncer reports at login ("1.18.0/bouncer").
        let first: JSONValue? = answer.first
        var text: String? = first?["version"]?.stringValue ?? first?.objectValue?.values.first?.stringValue
        if text == nil, let status { text = "PgBouncer " + status }
        guard let text, let parsed = PgBouncerVersion(text) else {
            throw ConnectorError(.failed, "SHOW VERSION gave no version number")
        }
        return .object([
            "version": .string(text),
            "major": .int(Int64(parsed.major)),
            "minor": .int(Int64(parsed.minor)),
            "patch": .int(Int64(parsed.patch)),
        ])
    }
}
