import AssayCore

/// A realistic audit built from AssayCore types the way a run builds it: three targets, fourteen
/// findings across severities and statuses, an active, an expired and an unused waiver.
enum AuditFixture {
    static let day = CalendarDate("2025-06-01")!

    static let targets = [
        TargetInfo(name: "pg", kind: "postgres", address: "postgres://assay@127.0.0.1:5432/app"),
        TargetInfo(name: "bouncer", kind: "pgbouncer", address: "postgres://admin@127.0.0.1:6432/pgbouncer"),
        TargetInfo(name: "cache", kind: "redis", address: "redis://127.0.0.1:6379"),
    ]

    static let waivers = [
        Waiver(
            check: "PG-LOG-CONNECTIONS", target: "pg", justification: "Connections are logged by the proxy (OPS-412).",
            expires: CalendarDate("2025-12-31")!),
        Waiver(
            check: "PGB-CLIENT-IDLE", target: "bouncer", justification: "Batch jobs keep idle sessions until the Q2 rework.",
            expires: CalendarDate("2025-05-01")!),
        Waiver(check: "REDIS-SLOWLOG", resource: "slowlog/*", justification: "Noisy.", expires: CalendarDate("2026-01-31")!),
    ]

    static func f(
        _ id: String, _ title: String, _ severity: Severity, _ category: String, _ status: Status, _ target: String,
        _ resource: String, _ message: String, evidence: JSONValue = [:], remediation: String = ""
    ) -> Finding {
        Finding(
            checkID: id, title: title, severity: severity, category: category, status: status, target: target,
            resource: resource, message: message, evidence: evidence, remediation: remediation)
    }

    /// The findings as checks report them, before waivers.
    static var findings: [Finding] {
        [
            f(
                "REDIS-PROTECTED", "Protected mode is on", .critical, "security", .fail, "cache", "config/protected-mode",
                "protected-mode is no and Redis listens on 0.0.0.0",
                evidence: ["protected_mode": "no", "bind": "0.0.0.0", "port": 6379],
                remediation: "Turn protected mode on or bind to loopback only. In redis.conf:\n```conf\nprotected-mode yes\nbind 127.0.0.1 -::1\n```"),
            f(
                "PG-SSL", "Connections use TLS", .high, "security", .fail, "pg", "server/ssl", "ssl = off",
                evidence: ["ssl": "off"],
                remediation: "Enable TLS in postgresql.conf, then reload.\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'"),
            f(
                "PGB-CLIENT-IDLE", "Idle clients are disconnected", .high, "pool-efficiency", .fail, "bouncer",
                "config/client_idle_timeout", "client_idle_timeout = 0: idle clients hold pool slots forever",
                evidence: ["client_idle_timeout": 0], remediation: "Set client_idle_timeout = 900 in pgbouncer.ini."),
            f(
                "PGB-POOL-WAIT", "Clients do not wait for a server", .high, "pool-efficiency", .fail, "bouncer",
                "pool/app/app", "4 clients waiting, longest 2.5 s",
                evidence: ["pool": ["cl_waiting": 4, "maxwait": 2.5], "limits": ["pool_size": 2, "reserve_pool_size": 0]],
                remediation: "Raise default_pool_size or add a reserve pool. Check max_client_conn too."),
            f(
                "PGB-POOL-WAIT", "Clients do not wait for a server", .high, "pool-efficiency", .fail, "bouncer",
                "pool/app/reports", "1 client waiting", evidence: ["pool": ["cl_waiting": 1, "maxwait": 0.4]],
                remediation: "Raise default_pool_size or add a reserve pool. Check max_client_conn too."),
            f(
                "PGB-POOL-WAIT", "Clients do not wait for a server", .high, "pool-efficiency", .fail, "bouncer",
                "pool/tiny/sahool", "2 clients waiting", evidence: ["pool": ["cl_waiting": 2, "maxwait": 1.0]],
                remediation: "Raise default_pool_size or add a reserve pool. Check max_client_conn too."),
            f(
                "PG-LOG-CONNECTIONS", "Connections are logged", .low, "observability", .fail, "pg",
                "setting/log_connections", "log_connections = off", evidence: ["log_connections": false],
                remediation: "log_connections = on"),
            f(
                "REDIS-SLOWLOG", "Slow log is read", .medium, "observability", .error, "cache", "slowlog",
                "CONFIG command is renamed or denied: ERR unknown command 'CONFIG'"),
            f(
                "PG-STAT-STATEMENTS", "pg_stat_statements is installed", .low, "observability", .error, "pg",
                "extension/pg_stat_statements", "statement timeout after 5000 ms"),
            f(
                "REDIS-PERSISTENCE", "Persistence is configured", .info, "resilience", .fail, "cache", "config/save",
                "RDB snapshots are off", remediation: "Consider save 3600 1 if the data matters."),
            f("PG-PASSWORD-ENCRYPTION", "Passwords use SCRAM", .high, "security", .pass, "pg", "setting/password_encryption", "scram-sha-256"),
            f("PG-MAX-CONNECTIONS", "max_connections has headroom", .medium, "capacity", .pass, "pg", "setting/max_connections", "42 of 100 used"),
            f("PGB-AUTH-TYPE", "Clients authenticate with SCRAM", .high, "security", .pass, "bouncer", "config/auth_type", "auth_type = scram-sha-256"),
            f("REDIS-MAXMEMORY", "maxmemory is set", .high, "resilience", .pass, "cache", "config/maxmemory", "maxmemory = 256mb"),
            f("PGB-POOL-WAIT", "Clients do not wait for a server", .high, "pool-efficiency", .pass, "bouncer", "pool/app/admin", "no client waiting"),
            f("PG-EXTENSIONS", "Extensions are up to date", .low, "maintenance", .skip, "pg", "extensions", "no extension installed"),
        ]
    }

    /// One record per check of ``findings``, with a made-up digest.
    static var checks: [Report.CheckRecord] {
        var seen: [String] = []
        return findings.compactMap { f in
            guard !seen.contains(f.checkID) else { return nil }
            seen.append(f.checkID)
            let hex = Array("0123456789abcdef")[seen.count % 16]
            return Report.CheckRecord(
                id: f.checkID, title: f.title, severity: f.severity, category: f.category,
                path: "builtin/\(f.checkID.lowercased()).lua", sha256: String(repeating: "\(hex)e", count: 32))
        }
    }

    /// A report over `findings`, waived, scored and decided as a run does.
    static func report(
        _ findings: [Finding] = findings, targets: [TargetInfo] = targets, waivers: [Waiver] = waivers,
        policy: Policy = Policy(categoryWeights: ["security": 2])
    ) -> Report {
        let (applied, outcomes) = Waiver.apply(waivers, to: findings, on: day)
        let scores = Scores.compute(applied, policy: policy)
        return Report(
            tool: Report.Tool(name: "assay", version: "0.1.0"), startedAt: "2025-06-01T11:59:00Z",
            finishedAt: "2025-06-01T11:59:30Z", targets: targets, checks: checks,
            findings: applied.sorted(by: Finding.reportOrder), scores: scores,
            decision: policy.decide(applied, scores: scores), waivers: outcomes, policy: policy)
    }
}
