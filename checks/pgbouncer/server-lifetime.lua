-- server_lifetime = 0 does not mean "forever": PgBouncer then uses each server connection once
-- and closes it (pgbouncer(5): "Setting it to 0 means the connection is to be used only once,
-- then closed"), so every client session or transaction pays for a new PostgreSQL backend.
return assay.check {
  id = "PGB-SERVER-LIFETIME",
  title = "Server connections are reused",
  severity = "low",
  category = "pool-efficiency",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "timeouts" },
  references = { "https://www.pgbouncer.org/config.html#server_lifetime" },
  remediation = "Set in pgbouncer.ini and reload:\n\n    server_lifetime = 3600",
  run = function(ctx)
    assay.pgbouncer_not_zero(ctx, "server_lifetime",
      "each server connection is used once and closed, so every client pays for a new PostgreSQL backend")
  end,
}
