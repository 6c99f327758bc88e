-- A session idle inside an open transaction keeps its locks and its snapshot: it blocks DDL,
-- stops vacuum from removing dead rows and holds a connection slot (postgres-checkup G002).
return assay.check {
  id = "PG-IDLE-IN-TRANSACTION",
  title = "No session stays idle in an open transaction",
  severity = "high",
  category = "availability",
  needs = { "postgres" },
  tags = { "postgres", "sessions", "locks" },
  references = { "https://gitlab.com/postgres-ai/postgres-checkup",
                 "https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-ACTIVITY-VIEW" },
  remediation = "Find the application code that opens a transaction and waits (pid, user and application in the evidence), make it commit or roll back promptly, and set idle_in_transaction_session_timeout.",
  description = "Fails for each session idle in a transaction that was opened more than max_seconds ago.",
  inputs = { max_seconds = 3600 },
  run = function(ctx)
    local max = ctx:input("max_seconds", 3600)
    if not assay.pg_sees_all_sessions(ctx, "idle transactions") then return end
    local rows = ctx.target:query([[
      SELECT pid, usename, datname, application_name, state,
             floor(extract(epoch FROM now() - xact_start))::bigint AS xact_seconds,
             floor(extract(epoch FROM now() - state_change))::bigint AS idle_seconds
      FROM pg_catalog.pg_stat_activity
      WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')
        AND now() - xact_start > make_interval(secs => $1::float8)
      ORDER BY pid]], max)
    for _, r in ipairs(rows) do
      ctx:fail {
        resource = "backend/" .. r.pid,
        message = string.format("pid %d (%s@%s, application '%s') is %s; its transaction started %d s ago (over %s s): it holds locks and blocks vacuum",
                                r.pid, r.usename or "?", r.datname or "?", r.application_name or "", r.state, r.xact_seconds, max),
        evidence = { pid = r.pid, user = r.usename, database = r.datname, application_name = r.application_name,
                     state = r.state, xact_seconds = r.xact_seconds, idle_seconds = r.idle_seconds, max_seconds = max },
      }
    end
    if #rows == 0 then
      ctx:pass { message = string.format("no session is idle in a transaction opened more than %s s ago", max),
                 evidence = { max_seconds = max } }
    end
  end,
}
