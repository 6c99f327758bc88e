-- A forgotten prepared (two-phase) transaction holds its locks and stops vacuum until someone
-- commits or rolls it back, even across restarts.
return assay.check {
  id = "PG-PREPARED-XACTS",
  title = "No prepared transaction is left behind",
  severity = "high",
  category = "maintenance",
  needs = { "postgres" },
  tags = { "postgres", "locks", "vacuum" },
  references = { "https://www.postgresql.org/docs/current/view-pg-prepared-xacts.html",
                 "https://bucardo.org/check_postgres/check_postgres.pl.html#prepared_txns" },
  remediation = "Find the transaction manager that prepared it; if it is gone, end it with COMMIT PREPARED 'gid' or ROLLBACK PREPARED 'gid' (as its owner or a superuser).",
  description = "Fails for each prepared transaction older than max_seconds (check_postgres: 30 s).",
  inputs = { max_seconds = 30 },
  run = function(ctx)
    local max = ctx:input("max_seconds", 30)
    local rows = ctx.target:query([[
      SELECT gid, owner, database, floor(extract(epoch FROM now() - prepared))::bigint AS seconds
      FROM pg_catalog.pg_prepared_xacts
      WHERE now() - prepared > make_interval(secs => $1::float8)
      ORDER BY prepared, gid]], max)
    for _, r in ipairs(rows) do
      ctx:fail { resource = "xact/" .. r.gid,
                 message = string.format("transaction '%s' (owner %s, database %s) was prepared %d s ago (over %s s) and is still open",
                                         r.gid, r.owner, r.database, r.seconds, max),
                 evidence = { gid = r.gid, owner = r.owner, database = r.database, seconds = r.seconds, max_seconds = max } }
    end
    if #rows == 0 then
      ctx:pass { message = string.format("no prepared transaction is older than %s s", max), evidence = { max_seconds = max } }
    end
  end,
}
