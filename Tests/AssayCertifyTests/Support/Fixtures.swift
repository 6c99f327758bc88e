import AssayCore

/// Reports built from AssayCore types, as an audit run would produce them.
enum Fixtures {
    static let targets = [
        TargetInfo(name: "pg", kind: "postgres", address: "postgres://assay@127.0.0.1:5432/app"),
        TargetInfo(name: "bouncer", kind: "pgbouncer", address: "postgres://admin@127.0.0.1:6432/pgbouncer"),
        TargetInfo(name: "cache", kind: "redis", address: "redis://127.0.0.1:6379"),
    ]

    static let checks = [
        Report.CheckRecord(
            id: "PG-SSL", title: "Connections use TLS", severity: .high, category: "security",
            path: "builtin/postgres/ssl.lua", sha256: String(repeating: "a1", count: 32)),
        Report.CheckRecord(
            id: "PGB-CLIENT-IDLE", title: "Idle clients are disconnected", severity: .medium,
            category: "pool-efficiency", path: "builtin/pgbouncer/client_idle.lua",
            sha256: String(repeating: "b2", count: 32)),
        Report.CheckRecord(
            id: "REDIS-MAXMEMORY", title: "maxmemory is set", severity: .high, category: "resilience",
            path: "builtin/redis/maxmemory.lua", sha256: String(repeating: "c3", count: 32)),
        Report.CheckRecord(
            id: "REDIS-PROTECTED", title: "Protected mode is on", severity: .critical, category: "security",
            path: "builtin/redis/protected.lua", sha256: String(repeating: "d4", count: 32)),
    ]

    static func finding(
        _ check: String, _ status: Status, _ severity: Severity, _ category: String, target: String, resource: String,
        message: String? = nil
    ) -> Finding {
        Finding(
            checkID: check, title: "Title of \(check)", severity: severity, category: category, status: status,
            target: target, resource: resource, message: message ?? "\(check) on \(resource): \(status.rawValue)",
            evidence: ["value": 42, "ratio": 0.75, "note": "¡sí! \"quoted\" / slash"],
            remediation: "Fix \(check).")
    }

    /// A report over `findings`, scored and decided by the default policy.
    static func report(_ findings: [Finding], startedAt: String = "2025-06-01T11:59:00Z", waivers: [Waiver] = [])
        -> Report
    {
        let policy = Policy()
        let (applied, outcomes) = Waiver.apply(waivers, to: findings, on: CalendarDate("2025-06-01")!)
        let scores = Scores.compute(applied, policy: policy)
        return Report(
            tool: Report.Tool(name: "assay", version: "0.1.0"), startedAt: startedAt,
            finishedAt: "2025-06-01T11:59:30Z",
            targets: targets, checks: checks, findings: applied.sorted(by: Finding.reportOrder), scores: scores,
            decision: policy.decide(applied, scores: scores), waivers: outcomes, policy: policy)
    }

    /// A stand-in for the Markdown that AssayReport renders.
    static func markdown(_ report: Report) -> String {
        var lines = [
            "# Audit report", "",
            "Verdict: **\(report.verdict.rawValue)** — overall \(report.scores.overall?.description ?? "n/a")/10", "",
        ]
        for f in report.findings {
            lines.append("- `\(f.checkID)` \(f.target) \(f.resource): \(f.status.rawValue) — \(f.message)")
        }
        lines.append("")
        lines.append("Évaluation terminée ✓")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The first run of the chain and the reference report of most tests.
    static var runOne: [Finding] {
        [
            finding("PG-SSL", .fail, .high, "security", target: "pg", resource: "server/ssl"),
            finding(
                "PGB-CLIENT-IDLE", .fail, .medium, "pool-efficiency", target: "bouncer",
                resource: "config/client_idle_timeout"),
            finding("REDIS-MAXMEMORY", .pass, .high, "resilience", target: "cache", resource: "config/maxmemory"),
            finding(
                "REDIS-PROTECTED", .pass, .critical, "security", target: "cache", resource: "config/protected-mode"),
        ]
    }
}
