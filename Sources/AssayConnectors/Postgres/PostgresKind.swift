import AssayCore

extension TargetKind {
    /// A PostgreSQL server.
    public static let postgres: TargetKind = "postgres"
}

extension TargetKindDescriptor {
    /// A PostgreSQL server (`PostgresConnector`, libpq, read-only).
    public static let postgres = TargetKindDescriptor(
        kind: .postgres, title: "PostgreSQL server",
        location: Location(
            form: .url(schemes: ["postgres", "postgresql"]), valueName: "url",
            help: "A PostgreSQL server, as [NAME=]URL (libpq URL or key=value string).", acceptsPassword: true),
        handle: HandleSpec([
            HandleMethod(
                "query", parameters: [HandleParameter("sql", .string), HandleParameter("params", .scalar, variadic: true)],
                returns: "table[]",
                summary: "The rows of one read-only statement, each a table keyed by column name; `$1`, `$2`, … are the "
                    + "extra arguments. Returns nil and the server's message when the server refuses it."),
            HandleMethod(
                "settings", returns: "table<string, table>",
                summary: "pg_settings by name: {setting, unit, category, context, vartype, source, …}."),
            HandleMethod(
                "setting", operation: "settings", parameters: [HandleParameter("name", .string)], result: .memberField("setting"),
                returns: "string?", summary: "The current value of one setting, as text (nil when it does not exist)."),
            HandleMethod("version", returns: "table", summary: "{server_version_num, server_version} of the server."),
            HandleMethod(
                "login", returns: "table",
                summary: "Who the audit runs as: {user, superuser, createrole, createdb, replication, bypassrls, pg_monitor, "
                    + "pg_read_all_stats, pg_read_all_settings}."),
        ]),
        testStack: TestStackHook(locationKey: "ASSAY_STACK_POSTGRES_URL", script: "postgres"),
        connect: { location, password, options in PostgresConnector(url: location, password: password, options: options) },
        server: { ServerAddress.libpq($0) },
        discovery: .fromLocation { target, location in LiveServerDiscovery.candidate(kind: "postgres", target: target, server: ServerAddress.libpq(location)) },
        componentKinds: ["postgres"])
}
