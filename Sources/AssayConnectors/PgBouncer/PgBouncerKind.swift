import AssayCore

extension TargetKind {
    /// A PgBouncer admin console.
    public static let pgbouncer: TargetKind = "pgbouncer"
}

extension TargetKindDescriptor {
    /// A PgBouncer admin console (`PgBouncerConnector`, SHOW only).
    public static let pgbouncer = TargetKindDescriptor(
        kind: .pgbouncer, title: "PgBouncer",
        location: Location(
            form: .url(schemes: ["postgres", "postgresql"]), valueName: "url",
            help: "A PgBouncer admin console, as [NAME=]URL (…/pgbouncer).", acceptsPassword: true),
        handle: HandleSpec(
            [
                HandleMethod(
                    "show", parameters: [HandleParameter("what", .string)], returns: "table[]",
                    summary: "The rows of `SHOW what` (POOLS, STATS, DATABASES, SERVERS, CLIENTS, CONFIG, LISTS, MEM, VERSION, "
                        + "STATE, USERS, …), each keyed by column name."),
            ]
                + [("pools", "POOLS"), ("stats", "STATS"), ("databases", "DATABASES"), ("servers", "SERVERS"), ("clients", "CLIENTS"),
                   ("mem", "MEM")].map { name, what in
                    HandleMethod(name, operation: "show", fixed: [.string(what)], returns: "table[]", summary: "The rows of `SHOW \(what)`.")
                }
                + [
                    HandleMethod(
                        "config", operation: "show", fixed: ["CONFIG"], result: .rowsAsMap(key: "key", value: "value"),
                        returns: "table<string, string>", summary: "SHOW CONFIG as a map of setting name to value."),
                    HandleMethod(
                        "lists", operation: "show", fixed: ["LISTS"], result: .rowsAsMap(key: "list", value: "items"),
                        returns: "table<string, integer>", summary: "SHOW LISTS as a map of list name to item count."),
                    HandleMethod("version", returns: "table", summary: "{version, major, minor, patch} from SHOW VERSION."),
                ]),
        testStack: TestStackHook(locationKey: "ASSAY_STACK_PGBOUNCER_URL", script: "pgbouncer"),
        connect: { location, password, options in PgBouncerConnector(url: location, password: password, options: options) },
        server: { ServerAddress.libpq($0) },
        discovery: .fromLocation { target, location in LiveServerDiscovery.candidate(kind: "pgbouncer", target: target, server: ServerAddress.libpq(location)) },
        componentKinds: ["pgbouncer"])
}
