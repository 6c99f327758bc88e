-- server_lifetime = 0: every server connection is used once, then closed.
return assay.check {
  id = "PGBINI-SERVER-LIFETIME",
  title = "PgBouncer reuses server connections for a bounded time",
  severity = "low",
  category = "pool-efficiency",
  needs = { "files" },
  tags = { "files", "pgbouncer" },
  description = [[
PgBouncer closes a server connection once it is older than `server_lifetime`. With 0 the
connection is "used only once, then closed" (PgBouncer's documentation): every transaction pays a
new PostgreSQL backend, its authentication and its cold caches. The default, 3600 seconds,
recycles connections hourly.]],
  references = {
    "https://www.pgbouncer.org/config.html#server_lifetime",
  },
  remediation = [[
Recycle server connections hourly (the default):

    [pgbouncer]
    server_lifetime = 3600]],
  run = function(ctx)
    assay.pgbouncer_ini_not_zero(ctx, "server_lifetime", 3600, "every server connection is used once, then closed")
  end,
}
