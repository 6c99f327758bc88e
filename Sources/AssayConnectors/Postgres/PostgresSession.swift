import AssayCore

/// What the PostgreSQL connector learns about a connection right after it opens, in one round
/// trip: who the login is, how many connection slots the server has left, and what its catalog
/// refuses (``SideEffectCatalog``).
struct PostgresSession {
    /// The login's role and the predefined roles that matter to an audit.
    struct Login: Hashable {
        var user: String
        var superuser: Bool
        var createRole: Bool
        var createDatabase: Bool
        var replication: Bool
        var bypassRLS: Bool
        var pgMonitor: Bool
        var pgReadAllStats: Bool
        var pgReadAllSettings: Bool

        var json: JSONValue {
            .object([
                "user": .string(user), "superuser": .bool(superuser), "createrole": .bool(createRole),
                "createdb": .bool(createDatabase), "replication": .bool(replication), "bypassrls": .bool(bypassRLS),
                "pg_monitor": .bool(pgMonitor), "pg_read_all_stats": .bool(pgReadAllStats),
                "pg_read_all_settings": .bool(pgReadAllSettings),
            ])
        }
    }

    /// The server's connection slots when this connection was opened (it included).
    struct Slots: Hashable {
        var maxConnections: Int
        /// `superuser_reserved_connections` plus `reserved_connections` (PostgreSQL 16+).
        var reserved: Int
        /// Client backends, this one among them. Backends the login may not see count as clients.
        var inUse: Int

        /// Slots ordinary logins could still take, before this connection took one.
        var freeBefore: Int { maxConnections - reserved - (inUse - 1) }

        /// The free slots Assay always leaves: 3, or a twentieth of `max_connections` if more.
        var margin: Int { max(3, maxConnections / 20) }

        /// Why this connection must not stay, or nil if it leaves enough slots free.
        func refusal(endpoint: String) -> String? {
            guard freeBefore - 1 < margin else { return nil }
            return "\(endpoint) has \(max(0, freeBefore)) of \(maxConnections) connection slots free; "
                + "Assay does not take the last ones (it leaves at least \(margin) free; \(reserved) are reserved, "
                + "\(inUse - 1) in use by others)"
        }
    }

    var login: Login
    var slots: Slots
    var catalog: SideEffectCatalog
    var serverVersion: Int
    var endpoint: String

    /// SQL that tells whether this transaction has a transaction id (PostgreSQL 13 renamed the function).
    var xidAssignedSQL: String {
        serverVersion >= 130_000
            ? "pg_catalog.pg_current_xact_id_if_assigned() IS NOT NULL"
            : "pg_catalog.txid_current_if_assigned() IS NOT NULL"
    }

    // MARK: - Opening

    static let factsSQL = """
        SELECT r.rolname AS login, r.rolsuper AS superuser, r.rolcreaterole AS createrole, r.rolcreatedb AS createdb,
               r.rolreplication AS replication, r.rolbypassrls AS bypassrls,
               (SELECT pg_catalog.pg_has_role(r.oid, m.oid, 'USAGE') FROM pg_catalog.pg_roles m
                WHERE m.rolname = 'pg_monitor') AS pg_monitor,
               (SELECT pg_catalog.pg_has_role(r.oid, m.oid, 'USAGE') FROM pg_catalog.pg_roles m
                WHERE m.rolname = 'pg_read_all_stats') AS pg_read_all_stats,
               (SELECT pg_catalog.pg_has_role(r.oid, m.oid, 'USAGE') FROM pg_catalog.pg_roles m
                WHERE m.rolname = 'pg_read_all_settings') AS pg_read_all_settings,
               pg_catalog.current_setting('max_connections')::int AS max_connections,
               pg_catalog.current_setting('superuser_reserved_connections')::int
                 + COALESCE(pg_catalog.current_setting('reserved_connections', true), '0')::int AS reserved,
               (SELECT count(*) FROM pg_catalog.pg_stat_activity
                WHERE backend_type = 'client backend' OR (backend_type IS NULL AND usesysid IS NOT NULL))::int AS in_use
        FROM pg_catalog.pg_roles r WHERE r.rolname = current_user
        """

    /// Reads the facts, and the catalog unless the process read it for this server (host, port,
    /// database, login) before, in one round trip inside a read-only transaction.
    static func open(_ connection: LibPQConnection, limits: ReplyLimits, deadline: Deadline)
        throws(ConnectorError) -> PostgresSession
    {
        let timeout = PostgresConnector.statementTimeout(until: deadline)
        let known = catalogs.value(for: connection.address)
        var statements: [LibPQStatement] = [
            .control("BEGIN TRANSACTION READ ONLY"),
            .control("SET LOCAL statement_timeout = \(timeout)"),
            LibPQStatement(sql: factsSQL),
        ]
        if known == nil { statements.append(LibPQStatement(sql: SideEffectCatalog.sql)) }
        statements.append(.control("ROLLBACK"))
        let outcomes = try connection.pipeline(statements, limits: limits, scrub: connection.scrubber.scrub, deadline: deadline)
        if let failure = outcomes.lazy.compactMap(\.error).first {
            let error = PostgresConnector.serverError(failure, address: connection.address)
            throw ConnectorError(error.kind, "could not read what \(connection.address) allows: \(error.message)")
        }
        guard let row = outcomes[2].rows?.first, let user = row["login"]?.stringValue,
              let maxConnections = row["max_connections"]?.intValue, let reserved = row["reserved"]?.intValue,
              let inUse = row["in_use"]?.intValue
        else {
            throw connection.protocolFailure("the login and connection facts are missing")
        }
        let catalog: SideEffectCatalog
        if let known {
            catalog = known
        } else {
            guard let rows = outcomes[3].rows else { throw connection.protocolFailure("the catalog is missing") }
            catalog = SideEffectCatalog(rows: rows)
            catalogs.store(catalog, for: connection.address)
        }
        let flag = { (name: String) in row[name]?.boolValue ?? false }
        return PostgresSession(
            login: Login(user: user, superuser: flag("superuser"), createRole: flag("createrole"),
                         createDatabase: flag("createdb"), replication: flag("replication"),
                         bypassRLS: flag("bypassrls"), pgMonitor: flag("pg_monitor"),
                         pgReadAllStats: flag("pg_read_all_stats"), pgReadAllSettings: flag("pg_read_all_settings")),
            slots: Slots(maxConnections: Int(maxConnections), reserved: Int(reserved), inUse: Int(inUse)),
            catalog: catalog,
            serverVersion: connection.serverVersion,
            endpoint: connection.serverEndpoint)
    }

    /// The catalogs read so far, per server address, for the whole process.
    static let catalogs = ProcessCache<SideEffectCatalog>()
}
