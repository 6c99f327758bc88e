import AssayCore

/// Asks a PostgreSQL server read-only questions over libpq, without side effects, even as a
/// superuser.
///
/// Operations:
/// - `query` `[sql, params?]` → an array of rows, each an object keyed by column name. `params`
///   is an array of strings, integers, doubles, booleans or nulls bound to `$1`, `$2`, … as text
///   of unknown type, so the server infers each type from its use (cast where it matters:
///   `$1::int`). Values are typed as ``LibPQValue`` describes: int2/int4/int8/oid → int,
///   bool → bool, float4/float8 → double, numeric → double when exact else string, NULL → null,
///   anything else → its text. A repeated column name gets a `_2`, `_3`, … suffix.
///   `SHOW name` and `SHOW ALL` are answered too (see ``ShowStatement``).
/// - `settings` `[]` → `{name: {setting, unit, category, context, vartype, source, min_val,
///   max_val, enumvals, boot_val, reset_val, sourcefile, sourceline, pending_restart}}` from
///   `pg_settings`.
/// - `version` `[]` → `{server_version_num, server_version}` from the connection's parameter
///   status (no round trip).
/// - `login` `[]` → `{user, superuser, createrole, createdb, replication, bypassrls, pg_monitor,
///   pg_read_all_stats, pg_read_all_settings}`: who the audit runs as (no round trip; read when
///   the connection opened).
///
/// **Read-only, decided by the server.** Every statement is first planned by the server
/// (``StatementInspector``): only plans of pure reads that call no function with side effects
/// (``SideEffectCatalog``: volatile functions outside a short allow-list, transaction-id
/// consumers, server files, large objects, advisory locks, signals) may run. What passes runs as
/// one extended-protocol statement in `BEGIN TRANSACTION READ ONLY` … `ROLLBACK`, with
/// `statement_timeout` from the deadline and a short `lock_timeout`, and a witness that it left
/// nothing behind. A new question costs two round trips (plan, then answer); a question asked
/// before, on any target of the same server and login, one.
///
/// **Never the last slots.** Right after connecting, the connector reads who it is and how many
/// connection slots are left (``PostgresSession``); if its own connection would leave fewer than
/// a safe margin free, it closes it and every call fails with `.unreachable` saying so.
///
/// **Bounded.** Replies are held to ``ReplyLimits`` while they are read; error messages are cut
/// at 4 KiB. Any failed call leaves no state behind: the transaction is rolled back, and a
/// connection in doubt (timeout, lost, unreadable, over a cap) is closed; the next call
/// reconnects.
///
/// ```swift
/// let pg = PostgresConnector(url: "postgres://assay@db:5432/app?sslmode=verify-full",
///                            options: ConnectorOptions(connectTimeout: .seconds(2)))
/// let rows = try pg.call("query", ["SELECT count(*) AS n FROM pg_stat_activity WHERE state = $1",
///                                   ["idle in transaction"]], deadline: .after(.seconds(5)))
/// ```
public final class PostgresConnector: Connector {
    /// The operations ``call(_:_:deadline:)`` answers.
    public static let operations = ["query", "settings", "version", "login"]

    public var kind: TargetKind { .postgres }
    /// The connection URL or `key=value` string with any password removed, for reports.
    public let address: String

    let client: LibPQClient<PostgresSession>

    /// - Parameters:
    ///   - url: a libpq URL (`postgres://user@host:port/db?sslmode=…`) or `key=value` string.
    ///     Every libpq option in it is honoured; `connect_timeout` and `application_name=assay`
    ///     are added unless it sets them.
    ///   - password: used instead of any password in `url`; without either, libpq reads
    ///     `PGPASSWORD` or the pass file (`PGPASSFILE`, `~/.pgpass`).
    ///   - options: the connect timeout, the longest a call may take, and the reply caps.
    public init(url: String, password: String? = nil, options: ConnectorOptions = ConnectorOptions()) {
        let target = LibPQTarget(conninfo: url, password: password)
        self.address = target.address
        self.client = LibPQClient(target: target, options: options) { connection, deadline throws(ConnectorError) in
            let session = try PostgresSession.open(connection, limits: Self.bookkeepingLimits, deadline: deadline)
            if let refusal = session.slots.refusal(endpoint: session.endpoint) {
                throw ConnectorError(.unreachable, refusal)
            }
            return session
        }
    }

    public func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) throws(ConnectorError)
        -> JSONValue
    {
        let deadline = client.options.callDeadline(deadline)
        switch operation {
        case "query":
            let (sql, parameters) = try Self.queryArguments(arguments)
            return .array(try query(sql, parameters: parameters, deadline: deadline))
        case "settings":
            try Self.expectNoArguments(operation, arguments)
            return try settings(deadline: deadline)
        case "version":
            try Self.expectNoArguments(operation, arguments)
            return try client.withConnection(deadline: deadline) { connection, _ throws(ConnectorError) in
                .object([
                    "server_version_num": .int(Int64(connection.serverVersion)),
                    "server_version": .string(connection.parameterStatus("server_version") ?? ""),
                ])
            }
        case "login":
            try Self.expectNoArguments(operation, arguments)
            return try client.withConnection(deadline: deadline) { _, session throws(ConnectorError) in
                session.login.json
            }
        default:
            throw ConnectorError(.refused, "unknown PostgreSQL operation '\(operation)' (known: "
                + Self.operations.joined(separator: ", ") + ")")
        }
    }

    public func close() { client.close() }

    /// Caps for Assay's own questions (connection facts, the catalog, plans): the defaults, whatever
    /// `limits:` sets for the replies to a check's questions.
    static let bookkeepingLimits = ReplyLimits()

    // MARK: - Operations

    /// A check's statement: inspected by the server (or its verdict taken from the cache), then run.
    private func query(_ sql: String, parameters: [String?], deadline: Deadline) throws(ConnectorError) -> [JSONValue] {
        var statement = sql
        if let show = try ShowStatement.query(for: sql, parameters: parameters) { statement = show }
        if let refusal = StatementInspector.preflight(statement) { throw ConnectorError(.refused, refusal) }
        let key = VerdictCache.key(address: address, sql: statement, parameters: parameters)
        return try client.withConnection(deadline: deadline) { connection, session throws(ConnectorError) in
            var verdict = VerdictCache.verdicts.value(for: key)
            if verdict == nil {
                let inspected = try StatementInspector.inspect(
                    statement, parameters: parameters, connection: connection, session: session,
                    limits: Self.bookkeepingLimits, deadline: deadline)
                VerdictCache.verdicts.store(inspected, for: key)
                verdict = inspected
            }
            if case .refused(let reason)? = verdict { throw ConnectorError(.refused, reason) }
            return try runReadOnly(statement, parameters: parameters, connection: connection, session: session,
                                   deadline: deadline)
        }
    }

    static let settingsSQL = """
        SELECT name, setting, unit, category, context, vartype, source, min_val, max_val, enumvals, boot_val, \
        reset_val, sourcefile, sourceline, pending_restart FROM pg_catalog.pg_settings ORDER BY name
        """

    /// Assay's own question, known to be a pure read: no inspection.
    private func settings(deadline: Deadline) throws(ConnectorError) -> JSONValue {
        let rows = try client.withConnection(deadline: deadline) { connection, session throws(ConnectorError) in
            try runReadOnly(Self.settingsSQL, parameters: [], connection: connection, session: session, deadline: deadline)
        }
        var settings: [String: JSONValue] = [:]
        for row in rows {
            guard var fields = row.objectValue, let name = fields.removeValue(forKey: "name")?.stringValue else {
                continue
            }
            if SecretRedaction.isSecretKey(name) {  // ssl_passphrase_command: the command may hold the passphrase
                for column in ["setting", "reset_val", "boot_val"] where fields[column]?.stringValue != nil {
                    fields[column] = SecretRedaction.describe(fields[column]?.stringValue ?? "")
                }
            }
            settings[name] = .object(fields)
        }
        return .object(settings)
    }

    // MARK: - Arguments

    static func queryArguments(_ arguments: [JSONValue]) throws(ConnectorError) -> (String, [String?]) {
        guard (1...2).contains(arguments.count), let sql = arguments[0].stringValue else {
            throw ConnectorError(.refused, "query expects [sql, params?] with sql a string")
        }
        guard !sql.unicodeScalars.contains("\0") else { throw ConnectorError(.refused, "query: NUL in sql") }
        guard arguments.count == 2, !arguments[1].isNull else { return (sql, []) }
        guard let values = arguments[1].arrayValue else {
            throw ConnectorError(.refused, "query: params must be an array")
        }
        var parameters: [String?] = []
        for (index, value) in values.enumerated() {
            switch value {
            case .null: parameters.append(nil)
            case .bool(let b): parameters.append(b ? "true" : "false")
            case .int(let i): parameters.append(String(i))
            case .double(let d):
                parameters.append(d.isNaN ? "NaN" : d.isInfinite ? (d > 0 ? "Infinity" : "-Infinity") : "\(d)")
            case .string(let s) where !s.unicodeScalars.contains("\0"): parameters.append(s)
            default:
                throw ConnectorError(
                    .refused, "query: parameter $\(index + 1) must be a string, number, boolean or null")
            }
        }
        return (sql, parameters)
    }

    static func expectNoArguments(_ operation: String, _ arguments: [JSONValue]) throws(ConnectorError) {
        guard arguments.isEmpty else { throw ConnectorError(.refused, "\(operation) takes no arguments") }
    }
}
