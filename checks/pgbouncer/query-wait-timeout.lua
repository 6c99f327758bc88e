-- query_wait_timeout = 0 lets a client wait for a server connection forever; a queue that never
-- drains then looks like a hung application instead of an error.
return assay.check {
  id = "PGB-QUERY-WAIT-TIMEOUT",
  title = "Queued clients give up after a timeout",
  severity = "low",
  category = "resilience",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "timeouts" },
  references = { "https://www.pgbouncer.org/config.html#query_wait_timeout" },
  remediation = "Set in pgbouncer.ini and reload:\n\n    query_wait_timeout = 120",
  run = function(ctx)
    assay.pgbouncer_not_zero(ctx, "query_wait_timeout", "a client waiting for a server connection waits forever")
  end,
}
