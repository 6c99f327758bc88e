-- client_idle_timeout = 0 (the default): idle clients are never disconnected.
return assay.check {
  id = "PGBINI-CLIENT-IDLE",
  title = "PgBouncer disconnects idle clients",
  severity = "high",
  category = "pool-efficiency",
  needs = { "files" },
  tags = { "files", "pgbouncer" },
  description = [[
With `client_idle_timeout = 0` (PgBouncer's default) client connections that applications leak or
forget are kept forever: they count against max_client_conn until new clients are refused, and
in session pooling each holds a server connection (seen in audits).]],
  references = {
    "https://www.pgbouncer.org/config.html#client_idle_timeout",
    "https://www.pgbouncer.org/config.html#max_client_conn",
  },
  remediation = [[
Close clients idle for longer than any application pool keeps them (larger than the client-side
connection lifetime):

    [pgbouncer]
    client_idle_timeout = 900]],
  run = function(ctx)
    assay.pgbouncer_ini_not_zero(ctx, "client_idle_timeout", 0, "idle clients hold their slots forever")
  end,
}
