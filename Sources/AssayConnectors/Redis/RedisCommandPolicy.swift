import AssayCore

/// The read-only Redis commands Assay may send, checked before anything is sent.
///
/// A command is allowed when its name (case-insensitive) is in ``allowed`` and, for a command with
/// subcommands, its subcommand is in the listed set. Everything else — writes, `CONFIG SET`,
/// `CONFIG REWRITE`, `DEBUG`, `SHUTDOWN`, `AUTH`, `EVAL`, `MONITOR` — is refused with
/// ``ConnectorError/Kind/refused``.
enum RedisCommandPolicy {
    /// Command → allowed subcommands; `nil` means the command takes no subcommand and any arguments.
    static let allowed: [String: Set<String>?] = [
        "PING": nil, "INFO": nil, "DBSIZE": nil, "ROLE": nil, "TIME": nil, "LASTSAVE": nil,
        "CONFIG": ["GET"],
        "ACL": ["LIST", "USERS", "WHOAMI", "CAT"],
        "SLOWLOG": ["GET", "LEN"],
        "LATENCY": ["DOCTOR", "LATEST", "HISTORY"],
        "MEMORY": ["DOCTOR", "STATS", "MALLOC-STATS"],
        "CLIENT": ["LIST", "INFO", "GETNAME"],
        "COMMAND": ["COUNT", "DOCS", "INFO"],
        "MODULE": ["LIST"],
        "CLUSTER": ["INFO"],
    ]

    /// Throws ``ConnectorError/Kind/refused`` naming the command unless `argv` is read-only.
    static func check(_ argv: [String]) throws(ConnectorError) {
        guard let first = argv.first, !first.isEmpty else {
            throw ConnectorError(.refused, "redis: command expects the command name and its arguments")
        }
        let command = first.uppercased()
        guard let subcommands = allowed[command] else {
            throw ConnectorError(.refused, "redis: \(printable(command)) is not a read-only command Assay may send")
        }
        guard let subcommands else { return }
        guard argv.count >= 2 else {
            throw ConnectorError(
                .refused, "redis: \(command) needs a subcommand (\(subcommands.sorted().joined(separator: ", ")))")
        }
        let sub = argv[1].uppercased()
        guard subcommands.contains(sub) else {
            throw ConnectorError(
                .refused, "redis: \(command) \(printable(sub)) is not a read-only command Assay may send")
        }
    }

    /// The command and subcommand for messages: `CONFIG GET`.
    static func name(of argv: [String]) -> String {
        guard let first = argv.first else { return "?" }
        let command = first.uppercased()
        if let entry = allowed[command], entry != nil, argv.count >= 2 {
            return "\(command) \(printable(argv[1].uppercased()))"
        }
        return printable(command)
    }

    private static func printable(_ text: String) -> String {
        let cleaned = String(text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
        return cleaned.count > 64 ? String(cleaned.prefix(64)) + "…" : cleaned
    }
}
