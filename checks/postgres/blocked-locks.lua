-- Sessions waiting for a lock another session holds: a long wait means a lock queue that can
-- stall a whole application (one ALTER TABLE behind a long transaction blocks every reader).
return assay.check {
  id = "PG-BLOCKED-LOCKS",
  title = "No session waits long for a lock",
  severity = "medium",
  category = "availability",
  needs = { "postgres" },
  tags = { "postgres", "locks" },
  references = { "https://www.postgresql.org/docs/current/view-pg-locks.html",
                 "https://wiki.postgresql.org/wiki/Lock_Monitoring" },
  remediation = "Look at the blocking sessions (blocked_by in the evidence): end the long transaction that holds the lock, and set lock_timeout for DDL and statement_timeout for the application.",
  description = "Fails for each session that has waited more than max_seconds for a lock.",
  inputs = { max_seconds = 60 },
  run = function(ctx)
    local max = ctx:input("max_seconds", 60)
    if not assay.pg_sees_all_sessions(ctx, "lock waits") then return end
    -- pg_locks.waitstart exists from PostgreSQL 14; before, the statement's start is the best bound.
    local since = ctx.target:version().server_version_num >= 140000
      and "coalesce(l.waitstart, a.query_start)" or "a.query_start"
    local rows = ctx.target:query(string.format([[
      SELECT a.pid, a.usename, a.datname, a.application_name, l.locktype, l.mode,
             pg_catalog.pg_blocking_pids(a.pid)::text AS blocked_by,
             floor(extract(epoch FROM now() - %s))::bigint AS seconds
      FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
      WHERE NOT l.granted AND now() - %s > make_interval(secs => $1::float8)
      ORDER BY a.pid]], since, since), max)
    for _, r in ipairs(rows) do
      ctx:fail { resource = "backend/" .. r.pid,
                 message = string.format("pid %d (%s@%s) has waited %d s (over %s s) for a %s lock (%s), blocked by %s",
                                         r.pid, r.usename or "?", r.datname or "?", r.seconds, max, r.mode, r.locktype, r.blocked_by),
                 evidence = { pid = r.pid, user = r.usename, database = r.datname, application_name = r.application_name,
                              locktype = r.locktype, mode = r.mode, blocked_by = r.blocked_by, seconds = r.seconds,
                              max_seconds = max } }
    end
    if #rows == 0 then
      ctx:pass { message = string.format("no session has waited more than %s s for a lock", max), evidence = { max_seconds = max } }
    end
  end,
}
