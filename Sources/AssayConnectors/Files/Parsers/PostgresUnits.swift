/// PostgreSQL's units for memory and time settings, and the default unit of the settings that
/// take one when a bare number is written (PostgreSQL 15's `guc.c`).
enum PostgresUnits {
    /// Bytes per memory unit. Units are case-sensitive, as in PostgreSQL.
    static let memory: [String: Double] = [
        "B": 1, "kB": 1024, "MB": 1024 * 1024, "GB": 1024 * 1024 * 1024, "TB": 1024 * 1024 * 1024 * 1024,
    ]

    /// Milliseconds per time unit.
    static let time: [String: Double] = [
        "us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000,
    ]

    /// Bytes in the default unit of memory settings (8 kB for settings counted in blocks).
    static let memoryDefaults: [String: Double] = [
        "shared_buffers": 8192, "effective_cache_size": 8192, "wal_buffers": 8192, "temp_buffers": 8192,
        "backend_flush_after": 8192, "bgwriter_flush_after": 8192, "checkpoint_flush_after": 8192,
        "wal_writer_flush_after": 8192,
        "work_mem": 1024, "maintenance_work_mem": 1024, "autovacuum_work_mem": 1024,
        "logical_decoding_work_mem": 1024, "temp_file_limit": 1024, "max_stack_depth": 1024,
        "log_temp_files": 1024, "huge_page_size": 1024, "gin_pending_list_limit": 1024,
        "log_rotation_size": 1024, "log_parameter_max_length": 1, "log_parameter_max_length_on_error": 1,
        "max_wal_size": 1024 * 1024, "min_wal_size": 1024 * 1024, "wal_keep_size": 1024 * 1024,
        "min_dynamic_shared_memory": 1024 * 1024, "max_slot_wal_keep_size": 1024 * 1024,
        "wal_skip_threshold": 1024,
    ]

    /// Milliseconds in the default unit of time settings.
    static let timeDefaults: [String: Double] = [
        "statement_timeout": 1, "lock_timeout": 1, "idle_in_transaction_session_timeout": 1,
        "idle_session_timeout": 1, "deadlock_timeout": 1, "tcp_user_timeout": 1,
        "log_min_duration_statement": 1, "log_min_duration_sample": 1, "log_autovacuum_min_duration": 1,
        "autovacuum_vacuum_cost_delay": 1, "vacuum_cost_delay": 1, "bgwriter_delay": 1, "wal_writer_delay": 1,
        "wal_receiver_timeout": 1, "wal_sender_timeout": 1, "max_standby_streaming_delay": 1,
        "max_standby_archive_delay": 1, "recovery_min_apply_delay": 1, "wal_retrieve_retry_interval": 1,
        "client_connection_check_interval": 1, "log_startup_progress_interval": 1,
        "checkpoint_timeout": 1000, "checkpoint_warning": 1000, "authentication_timeout": 1000,
        "tcp_keepalives_idle": 1000, "tcp_keepalives_interval": 1000, "autovacuum_naptime": 1000,
        "wal_receiver_status_interval": 1000, "archive_timeout": 1000, "post_auth_delay": 1000,
        "pre_auth_delay": 1000,
        "log_rotation_age": 60_000, "old_snapshot_threshold": 60_000,
        "commit_delay": 0.001,
    ]

    /// A number followed by an optional unit (blanks allowed between them), as PostgreSQL parses it.
    static func split(_ value: String) -> (number: Double, unit: String)? {
        let chars = Array(value)
        var index = 0
        if index < chars.count, chars[index] == "-" || chars[index] == "+" { index += 1 }
        let digitsStart = index
        while index < chars.count, chars[index].isASCIIDigit || chars[index] == "." { index += 1 }
        guard index > digitsStart, let number = Double(String(chars[0..<index])) else { return nil }
        while index < chars.count, chars[index].isBlank { index += 1 }
        let unit = String(chars[index...])
        guard unit.allSatisfy(\.isASCIILetter) else { return nil }
        return (number, unit)
    }
}
