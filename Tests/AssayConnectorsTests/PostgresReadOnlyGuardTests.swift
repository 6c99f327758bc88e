@testable import AssayConnectors
import Testing

/// Layers 1 and 2 of the read-only defence, on text alone (no server).
@Suite struct PostgresReadOnlyGuardTests {
    @Test(arguments: [
        "SELECT 1",
        "select 1;",
        "  -- leading comment\n SELECT /* ; */ 1 ;  -- trailing ; comment",
        "WITH a AS (SELECT 1) SELECT * FROM a",
        "SHOW work_mem",
        "VALUES (1), (2)",
        "TABLE pg_catalog.pg_roles",
        "EXPLAIN SELECT * FROM pg_class",
        "(SELECT 1) UNION (SELECT 2)",
        "SELECT 'a;b', $$ ; DROP TABLE x; $$, $tag$ pg_sleep(1) $tag$",
        "SELECT 'pg_sleep' AS name, \"weird;name\" FROM t",
        "SELECT E'it\\'s; DROP TABLE t; --'",
        "SELECT a$b$ FROM t WHERE x = $1",
        "SELECT nextval('s')",  // left to layer 3
        "SELECT /* nested /* ; */ still comment */ 1",
    ])
    func allowsOneQuestion(_ sql: String) {
        #expect(ReadOnlyGuard.refusal(for: sql) == nil)
    }

    @Test(arguments: [
        "INSERT INTO t VALUES (1)",
        "update t set a = 1",
        "DELETE FROM t",
        "CREATE TABLE t (a int)",
        "DROP TABLE t",
        "SET statement_timeout = 0",
        "COPY t TO STDOUT",
        "BEGIN",
        "COMMIT",
        "VACUUM",
        "LISTEN x",
        "NOTIFY x",
        "DO $$ BEGIN END $$",
        "CALL p()",
        "SELECT 1; SELECT 2",
        "SELECT 1; DROP TABLE t",
        "EXPLAIN ANALYZE SELECT 1",
        "EXPLAIN (ANALYZE, BUFFERS) SELECT 1",
        "explain (analyse) select 1",
        "",
        "  ;  ",
        "-- only a comment",
        "SELECT 'unterminated",
        "SELECT /* unterminated",
        "SELECT $$ unterminated",
        "SELECT U&\"d\\0061t\\+000061\" FROM t",
        "SELECT 'x\\'; SELECT pg_sleep(1); --'",  // two statements when standard_conforming_strings is on
    ])
    func refusesAnythingElse(_ sql: String) {
        #expect(ReadOnlyGuard.refusal(for: sql) != nil)
    }

    @Test(arguments: [
        "SELECT pg_sleep(1)",
        "SELECT PG_SLEEP (1)",
        "SELECT \"pg_sleep\"(1)",
        "SELECT pg_catalog.pg_terminate_backend(42)",
        "SELECT pg_cancel_backend(42)",
        "SELECT pg_reload_conf()",
        "SELECT pg_rotate_logfile()",
        "SELECT set_config('work_mem', '1GB', false)",
        "SELECT pg_advisory_lock(1)",
        "SELECT pg_try_advisory_xact_lock(1)",
        "SELECT pg_advisory_unlock_all()",
        "SELECT pg_switch_wal()",
        "SELECT pg_create_restore_point('x')",
        "SELECT pg_promote()",
        "SELECT pg_notify('c', 'x')",
        "SELECT lo_import('/etc/passwd')",
        "SELECT lo_export(1, '/tmp/x')",
        "SELECT lo_unlink(1)",
        "SELECT dblink_exec('dbname=app', 'DROP TABLE t')",
        "SELECT * FROM dblink('dbname=app', 'SELECT 1') AS t(a int)",
        "SELECT pg_sleep_for('1 minute')",
        "SELECT pg_stat_reset()",
        "SELECT pg_stat_reset_shared('bgwriter')",
        "SELECT pg_stat_statements_reset()",
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_read_binary_file('/etc/passwd')",
        "SELECT pg_ls_dir('.')",
        "SELECT query_to_xml('SELECT pg_sleep(1)', true, true, '')",
        "SELECT * FROM ts_stat('SELECT 1')",
        "WITH a AS (SELECT pg_terminate_backend(pid) FROM pg_stat_activity) SELECT * FROM a",
        "EXPLAIN SELECT pg_sleep(1)",
    ])
    func refusesSideEffects(_ sql: String) {
        let reason = ReadOnlyGuard.refusal(for: sql)
        #expect(reason?.contains("side effects") == true)
    }
}
