import AssayCore

extension TargetKind {
    /// A Redis server.
    public static let redis: TargetKind = "redis"
}

extension TargetKindDescriptor {
    /// A Redis server (`RedisConnector`, hiredis, read-only commands).
    public static let redis = TargetKindDescriptor(
        kind: .redis, title: "Redis server",
        location: Location(
            form: .url(schemes: ["redis", "unix"]), valueName: "url",
            help: "A Redis server, as [NAME=]redis://[user[:password]@]host:port[/db].", acceptsPassword: true),
        handle: HandleSpec([
            HandleMethod(
                "command", parameters: [HandleParameter("argv", .scalar, variadic: true)], returns: "any",
                summary: "The reply to one read-only command of the allow-list (INFO, CONFIG GET, DBSIZE, …)."),
            HandleMethod(
                "info", parameters: [HandleParameter("section", .string, optional: true)], returns: "table<string, table>",
                summary: "INFO by section and field, values typed."),
            HandleMethod(
                "config_get", parameters: [HandleParameter("pattern", .string, optional: true)], returns: "table<string, string>",
                summary: "CONFIG GET pattern (default *) as a map; secrets are redacted."),
            HandleMethod("acl_list", returns: "table[]", summary: "ACL LIST: {user, enabled, nopass, passwords, rules}."),
            HandleMethod(
                "slowlog", parameters: [HandleParameter("count", .integer, optional: true)], returns: "table[]",
                summary: "SLOWLOG GET: {id, timestamp, duration_us, args, client, client_name}."),
            HandleMethod("client_list", returns: "table[]", summary: "CLIENT LIST, one table per client."),
            HandleMethod("role", returns: "table", summary: "ROLE: {role, …}."),
            HandleMethod("dbsize", operation: "command", fixed: ["DBSIZE"], returns: "integer", summary: "DBSIZE: keys in the database."),
            HandleMethod(
                "latency_doctor", operation: "command", fixed: ["LATENCY", "DOCTOR"], returns: "string",
                summary: "LATENCY DOCTOR's report."),
            HandleMethod(
                "memory_doctor", operation: "command", fixed: ["MEMORY", "DOCTOR"], returns: "string",
                summary: "MEMORY DOCTOR's report."),
        ]),
        testStack: TestStackHook(locationKey: "ASSAY_STACK_REDIS_URL", script: "redis"),
        connect: { location, password, options in RedisConnector(url: location, password: password, options: options) },
        server: { ServerAddress.redis($0) },
        discovery: .fromLocation { target, location in LiveServerDiscovery.candidate(kind: "redis", target: target, server: ServerAddress.redis(location)) },
        componentKinds: ["redis"])
}
