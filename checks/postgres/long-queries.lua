-- Statements running for minutes hold locks and snapshots and usually mean a missing index,
-- a runaway report or a stuck client.
return assay.check {
  id = "PG-LONG-QUERIES",
  title = "No statement runs for too long",
  severity = "medium",
  category = "availability",
  needs = { "postgres" },
  tags = { "postgres", "sessions", "performance" },
  references = { "https://bucardo.org/check_postgres/check_postgres.pl.html#query_time" },
  remediation = "Look at the statement (pg_stat_activity.query for the pid), cancel it if it is stuck (pg_cancel_backend), and bound statements with statement_timeout for the application role.",
  description = "Fails for each active client statement running longer than max_seconds (the audit's own session excluded). The statement text is not reported, only its first word.",
  inputs = { max_seconds = 300 },
  run = function(ctx)
    local max = ctx:input("max_seconds", 300)
    if not assay.pg_sees_all_sessions(ctx, "running statements") then return end
    local rows = ctx.target:query([[
      SELECT pid, usename, datname, application_name, wait_event_type, wait_event,
             upper(split_part(ltrim(query), ' ', 1)) AS command,
             floor(extract(epoch FROM now() - query_start))::bigint AS seconds
      FROM pg_catalog.pg_stat_activity
      WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid()
        AND now() - query_start > make_interval(secs => $1::float8)
      ORDER BY pid]], max)
    for _, r in ipairs(rows) do
      ctx:fail {
        resource = "backend/" .. r.pid,
        message = string.format("pid %d (%s@%s, application '%s') has run a %s statement for %d s (over %s s)",
                                r.pid, r.usename or "?", r.datname or "?", r.application_name or "", r.command, r.seconds, max),
        evidence = { pid = r.pid, user = r.usename, database = r.datname, application_name = r.application_name,
                     command = r.command, seconds = r.seconds, wait_event_type = r.wait_event_type,
                     wait_event = r.wait_event, max_seconds = max },
      }
    end
    if #rows == 0 then
      ctx:pass { message = string.format("no statement has run for more than %s s", max), evidence = { max_seconds = max } }
    end
  end,
}
