import AssayCore

/// What a query may not call on one server, read from its own catalog once per connection.
///
/// A function is refused when `pg_proc.provolatile` says volatile (it may change state or give a
/// different answer each call) and it is not on ``allowed``, or when it is on ``denied`` whatever
/// the catalog says. Aggregates are refused when a support function is; operators when their
/// function is; casts (to their target type) when their function is. What a query can reach
/// without naming it — implicit casts, type input/output, domain checks, operator-class support,
/// selectivity estimators, planner support — is listed as a hazard when it goes through a
/// refused function: PostgreSQL's own catalog has none (a test holds it to that), and a server
/// with one gets every statement refused, naming it.
struct SideEffectCatalog: Sendable, Hashable {
    // MARK: - The reviewed lists

    /// Volatile functions a query may call: reads of server state the built-in checks (and common
    /// monitoring queries) need, none of which changes anything. `owner` is the schema, or the
    /// extension the function belongs to.
    static let allowed: [(owner: Owner, name: String, reason: String)] = [
        (.schema("pg_catalog"), "pg_lock_status", "the pg_locks view: reads the shared lock table"),
        (.schema("pg_catalog"), "pg_blocking_pids", "which backends block a backend: reads the lock table"),
        (.schema("pg_catalog"), "pg_hba_file_rules", "the pg_hba_file_rules view: the rules of pg_hba.conf as the server parses them, readable only by superusers or where granted"),
        (.schema("pg_catalog"), "pg_prepared_xact", "the pg_prepared_xacts view: lists prepared transactions"),
        (.schema("pg_catalog"), "pg_is_in_recovery", "whether the server is a standby: a flag in shared memory"),
        (.schema("pg_catalog"), "pg_current_wal_lsn", "the current WAL write position, from shared memory"),
        (.schema("pg_catalog"), "pg_last_wal_receive_lsn", "a standby's last received WAL position, from shared memory"),
        (.schema("pg_catalog"), "pg_last_wal_replay_lsn", "a standby's last replayed WAL position, from shared memory"),
        (.schema("pg_catalog"), "pg_last_xact_replay_timestamp", "when a standby last replayed a commit, from shared memory"),
        (.schema("pg_catalog"), "clock_timestamp", "the current time"),
        (.schema("pg_catalog"), "pg_database_size", "a database's size: stat() of its files, no contents"),
        (.schema("pg_catalog"), "pg_tablespace_size", "a tablespace's size: stat() of its files, no contents"),
        (.schema("pg_catalog"), "pg_relation_size", "a relation's size: stat() of its own files, no contents"),
        (.schema("pg_catalog"), "pg_table_size", "a table's size: stat() of its own files, no contents"),
        (.schema("pg_catalog"), "pg_indexes_size", "the size of a table's indexes: stat() of their files, no contents"),
        (.schema("pg_catalog"), "pg_total_relation_size", "a table's size with indexes and TOAST: stat() of its files, no contents"),
        (.installedBy("pg_stat_statements"), "pg_stat_statements", "the pg_stat_statements view: reads the extension's shared memory (resetting it is another function)"),
    ]

    /// Functions refused whatever the catalog says of them. Both are marked stable, yet each call
    /// in a new transaction assigns (and so consumes) a transaction id, and stable functions may
    /// even run while PostgreSQL plans a statement.
    static let denied: [(name: String, reason: String)] = [
        ("txid_current", "assigns a transaction id"),
        ("pg_current_xact_id", "assigns a transaction id"),
    ]

    /// Who provides an allowed function.
    enum Owner: Sendable, Hashable {
        case schema(String)
        case installedBy(String)
    }

    // MARK: - What one server refuses

    /// Refused functions and aggregates: `schema.name` always, `name` alone when the schema is on
    /// the search path (how EXPLAIN prints a call it need not qualify).
    var functions: Set<String> = []
    /// Operators implemented by a refused function, keyed the same way.
    var operators: Set<String> = []
    /// Types an explicit cast reaches through a refused function, keyed the same way.
    var types: Set<String> = []
    /// The bare names of all of the above, for statements whose plan hides some of its expressions.
    var names: Set<String> = []
    /// Ways a query could reach a refused function without naming it (normally none).
    var hazards: [String] = []

    /// The query that reads the catalog: rows of `kind` (function, operator, type, hazard), `schema`,
    /// `name`, `visible` (on the search path). Assay's own SQL, run without inspection. (Names are
    /// cast to text: a UNION of `name` columns would cut the hazards' descriptions at 63 bytes.)
    static var sql: String {
        let allowedRows = allowed.map { entry -> String in
            switch entry.owner {
            case .schema(let schema): return "('schema', '\(schema)', '\(entry.name)')"
            case .installedBy(let name): return "('extension', '\(name)', '\(entry.name)')"
            }
        }.joined(separator: ", ")
        let deniedRows = denied.map { "('\($0.name)')" }.joined(separator: ", ")
        return """
            WITH allowed(kind, owner, name) AS (VALUES \(allowedRows)),
            denied(name) AS (VALUES \(deniedRows)),
            refused AS (
              SELECT p.oid, n.nspname, p.proname FROM pg_catalog.pg_proc p
              JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              WHERE p.proname IN (SELECT name FROM denied)
                 OR (p.provolatile = 'v' AND NOT EXISTS (
                       SELECT FROM allowed a WHERE a.name = p.proname AND (
                         (a.kind = 'schema' AND a.owner = n.nspname)
                         OR (a.kind = 'extension' AND EXISTS (
                               SELECT FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
                               WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid
                                 AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                                 AND d.deptype = 'e' AND e.extname = a.owner)))))
            ),
            refused_oids AS (SELECT oid FROM refused),
            path AS (SELECT pg_catalog.current_schemas(true) AS schemas)
            SELECT 'function' AS kind, r.nspname::text AS schema, r.proname::text AS name,
                   r.nspname = ANY (path.schemas) AS visible
            FROM refused r, path
            UNION ALL
            SELECT DISTINCT 'function', n.nspname, p.proname, n.nspname = ANY (path.schemas)
            FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid
            JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
            CROSS JOIN LATERAL unnest(ARRAY[a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,
                     a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn]::pg_catalog.oid[]) AS support(fn), path
            WHERE support.fn IN (SELECT oid FROM refused_oids)
            UNION ALL
            SELECT 'operator', n.nspname, o.oprname, n.nspname = ANY (path.schemas)
            FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace, path
            WHERE o.oprcode IN (SELECT oid FROM refused_oids)
            UNION ALL
            SELECT 'type', n.nspname, t.typname, n.nspname = ANY (path.schemas)
            FROM pg_catalog.pg_cast c JOIN pg_catalog.pg_type t ON t.oid = c.casttarget
            JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace, path
            WHERE c.castfunc IN (SELECT oid FROM refused_oids)
            UNION ALL
            SELECT 'hazard', '', pg_catalog.format('the %s cast from %s to %s goes through %s',
                     CASE c.castcontext WHEN 'i' THEN 'implicit' WHEN 'a' THEN 'assignment' ELSE 'explicit' END,
                     c.castsource::pg_catalog.regtype, c.casttarget::pg_catalog.regtype, c.castfunc::pg_catalog.regprocedure), false
            FROM pg_catalog.pg_cast c WHERE c.castcontext IN ('i', 'a') AND c.castfunc IN (SELECT oid FROM refused_oids)
            UNION ALL
            SELECT 'hazard', '', pg_catalog.format('type %s reads or writes its values through %s',
                     t.oid::pg_catalog.regtype, io.fn::pg_catalog.regprocedure), false
            FROM pg_catalog.pg_type t
            CROSS JOIN LATERAL unnest(ARRAY[t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout,
                     t.typanalyze, t.typsubscript]::pg_catalog.oid[]) AS io(fn)
            WHERE io.fn IN (SELECT oid FROM refused_oids)
            UNION ALL
            SELECT 'hazard', '', pg_catalog.format('domain %s checks its values with %s',
                     con.contypid::pg_catalog.regtype, d.refobjid::pg_catalog.regprocedure), false
            FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_depend d
              ON d.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND d.objid = con.oid
             AND d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass
            WHERE con.contypid <> 0 AND d.refobjid IN (SELECT oid FROM refused_oids)
            UNION ALL
            SELECT 'hazard', '', pg_catalog.format('operator class support function %s', p.amproc::pg_catalog.regprocedure), false
            FROM pg_catalog.pg_amproc p WHERE p.amproc IN (SELECT oid FROM refused_oids)
            UNION ALL
            SELECT 'hazard', '', pg_catalog.format('operator %s estimates selectivity with %s',
                     o.oid::pg_catalog.regoperator, e.fn::pg_catalog.regprocedure), false
            FROM pg_catalog.pg_operator o CROSS JOIN LATERAL unnest(ARRAY[o.oprrest, o.oprjoin]::pg_catalog.oid[]) AS e(fn)
            WHERE e.fn IN (SELECT oid FROM refused_oids)
            UNION ALL
            SELECT 'hazard', '', pg_catalog.format('function %s is planned with %s',
                     p.oid::pg_catalog.regprocedure, p.prosupport::pg_catalog.regprocedure), false
            FROM pg_catalog.pg_proc p WHERE p.prosupport IN (SELECT oid FROM refused_oids)
            """
    }

    /// Reads the rows of ``sql``.
    init(rows: [JSONValue]) {
        for row in rows {
            guard let kind = row["kind"]?.stringValue, let schema = row["schema"]?.stringValue,
                  let name = row["name"]?.stringValue
            else { continue }
            let visible = row["visible"]?.boolValue ?? true
            var keys = [schema + "." + name]
            if visible { keys.append(name) }
            switch kind {
            case "function": functions.formUnion(keys)
            case "operator": operators.formUnion(keys)
            case "type": types.formUnion(keys)
            case "hazard":
                hazards.append(name)
                continue
            default: continue
            }
            names.insert(name)
        }
        hazards.sort()
    }

    init() {}

    // MARK: - Explaining a refusal

    /// Why a refused function may not run, in a few words.
    static func reason(forFunction name: String) -> String {
        if let entry = denied.first(where: { $0.name == name }) { return entry.reason }
        let families: [(prefixes: [String], reason: String)] = [
            (["pg_cancel_backend", "pg_terminate_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_promote",
              "pg_log_backend_memory_contexts", "pg_wal_replay_"], "signals other server processes"),
            (["pg_read_file", "pg_read_binary_file", "pg_ls_", "pg_stat_file", "pg_file_", "lo_import", "lo_export",
              "pg_current_logfile", "pg_show_all_file_settings", "pg_control_"], "reads or writes server files"),
            (["lo_", "loread", "lowrite"], "works on large objects"),
            (["pg_advisory", "pg_try_advisory"], "takes or releases an advisory lock"),
            (["nextval", "setval"], "changes a sequence"),
            (["set_config"], "changes a setting"),
            (["pg_sleep"], "sleeps"),
            (["pg_notify"], "sends a notification"),
            (["dblink", "query_to_xml", "cursor_to_xml", "ts_stat", "ts_rewrite"], "runs other SQL"),
            (["pg_stat_reset", "pg_stat_statements_reset"], "resets statistics"),
        ]
        for family in families where family.prefixes.contains(where: name.hasPrefix) { return family.reason }
        return "is volatile (it may change something) and not on Assay's list of reads"
    }
}
