-- query_wait_timeout = 0: clients wait in PgBouncer's queue forever.
return assay.check {
  id = "PGBINI-QUERY-WAIT-TIMEOUT",
  title = "PgBouncer does not queue clients forever",
  severity = "low",
  category = "resilience",
  needs = { "files" },
  tags = { "files", "pgbouncer" },
  description = [[
`query_wait_timeout = 0` lets a client wait for a server connection indefinitely: when PostgreSQL
is down or the pool is exhausted, requests hang instead of failing, and the queue grows until the
application's own timeouts fire. The default is 120 seconds.]],
  references = {
    "https://www.pgbouncer.org/config.html#query_wait_timeout",
  },
  remediation = [[
Give up on queued clients after a bound the application can handle:

    [pgbouncer]
    query_wait_timeout = 120]],
  run = function(ctx)
    assay.pgbouncer_ini_not_zero(ctx, "query_wait_timeout", 120, "queued clients wait forever")
  end,
}
