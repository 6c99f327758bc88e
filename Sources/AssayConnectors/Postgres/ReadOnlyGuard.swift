/// The first two of the PostgreSQL connector's three read-only layers, applied before anything
/// is sent (the third is the server's own: a `READ ONLY` transaction that is always rolled back).
///
/// 1. **One question.** Exactly one statement, whose first keyword is `SELECT`, `WITH`, `SHOW`,
///    `VALUES`, `TABLE` or `EXPLAIN` (leading parentheses allowed); `EXPLAIN` may not `ANALYZE`
///    (which executes). A trailing semicolon is fine; a second statement is not.
/// 2. **No side effects that read-only transactions allow.** Functions that act outside the
///    transaction — signalling backends, reloading configuration, advisory locks, notifications,
///    WAL and replication control, file access, sleeping, resetting statistics, running SQL given
///    as text (`dblink`, `query_to_xml`, `ts_stat`) — are refused wherever their name appears as a
///    word or quoted identifier, called or not, qualified or not.
///
/// Functions a read-only transaction already stops (`nextval`, `setval`, `lo_create`, …) are left
/// to layer 3. User-defined functions are opaque: one that has side effects without writing
/// (say, a wrapper around `pg_terminate_backend`) is not caught.
enum ReadOnlyGuard {
    /// Keywords a statement may start with.
    static let allowedFirstKeywords: Set<String> = ["select", "with", "show", "values", "table", "explain"]

    /// Functions refused by exact (lower-case) name.
    static let deniedFunctions: Set<String> = [
        "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_rotate_logfile_old",
        "set_config", "pg_switch_wal", "pg_switch_xlog", "pg_create_restore_point", "pg_promote", "pg_notify",
        "pg_stat_statements_reset", "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_file_write",
        "pg_file_sync", "pg_file_rename", "pg_file_unlink", "pg_log_backend_memory_contexts", "pg_log_standby_snapshot",
        "pg_backup_start", "pg_backup_stop", "pg_start_backup", "pg_stop_backup", "pg_import_system_collations",
        "pg_create_physical_replication_slot", "pg_create_logical_replication_slot", "pg_drop_replication_slot",
        "pg_replication_slot_advance", "pg_logical_slot_get_changes", "pg_logical_slot_get_binary_changes",
        "pg_logical_emit_message", "ts_stat", "ts_rewrite", "lowrite",
    ]

    /// Functions refused by (lower-case) name prefix.
    static let deniedPrefixes: [String] = [
        "pg_advisory", "pg_try_advisory", "pg_sleep", "pg_stat_reset", "dblink", "lo_", "pg_wal_replay_",
        "pg_xlog_replay_", "pg_copy_", "pg_replication_origin", "query_to_xml", "cursor_to_xml",
    ]

    /// Why the statement is refused, or nil if it may be sent.
    static func refusal(for sql: String) -> String? {
        // Lex under both readings of backslashes in '…' (standard_conforming_strings on and off).
        for standard in [true, false] {
            if let reason = refusal(for: sql, standardConformingStrings: standard) { return reason }
        }
        return nil
    }

    static func refusal(for sql: String, standardConformingStrings: Bool) -> String? {
        let tokens: [SQLLexer.Token]
        do {
            tokens = try SQLLexer.tokens(sql, standardConformingStrings: standardConformingStrings)
        } catch {
            return "the statement could not be read safely: \(error.message)"
        }
        // Layer 1: one statement.
        let end = tokens.firstIndex(of: .semicolon) ?? tokens.endIndex
        if tokens[end...].contains(where: { $0 != .semicolon }) {
            return "only one statement may be sent"
        }
        let statement = tokens[..<end]
        guard let first = statement.first(where: { $0 != .openParenthesis }) else {
            return "the statement is empty"
        }
        guard case .word(let keyword) = first, allowedFirstKeywords.contains(keyword) else {
            return "only SELECT, WITH, SHOW, VALUES, TABLE and EXPLAIN are read-only questions"
        }
        if keyword == "explain", statement.contains(.word("analyze")) || statement.contains(.word("analyse")) {
            return "EXPLAIN ANALYZE executes the statement"
        }
        // Layer 2: functions with side effects that a read-only transaction allows.
        for token in statement {
            let name: String
            switch token {
            case .word(let word): name = word
            case .quotedIdentifier(let identifier): name = identifier
            default: continue
            }
            if deniedFunctions.contains(name) || deniedPrefixes.contains(where: name.hasPrefix) {
                return "\(name) has side effects outside a read-only transaction"
            }
        }
        return nil
    }
}
