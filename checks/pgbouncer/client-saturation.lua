-- Clients connected (active or waiting) against max_client_conn: past it, PgBouncer refuses
-- new clients. Thresholds as check_postgres uses for backends (90 % warning, 95 % critical).
return assay.check {
  id = "PGB-CLIENT-SATURATION",
  title = "Client connections are below max_client_conn",
  severity = "high",
  category = "capacity",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "capacity", "connections" },
  references = { "https://www.pgbouncer.org/config.html#max_client_conn",
                 "https://www.pgbouncer.org/usage.html#show-pools" },
  remediation = "Raise max_client_conn (and the file descriptor limit), or find the clients that open connections without closing them (SHOW CLIENTS); set client_idle_timeout.",
  description = "Sums cl_active + cl_waiting over SHOW POOLS (the admin console included); high at warn_percent of max_client_conn, critical at crit_percent.",
  inputs = { warn_percent = 90, crit_percent = 95 },
  run = function(ctx)
    local warn, crit = ctx:input("warn_percent", 90), ctx:input("crit_percent", 95)
    local max = tonumber(ctx.target:config().max_client_conn)
    if max == nil or max <= 0 then
      ctx:error { message = "SHOW CONFIG has no usable max_client_conn" }
      return
    end
    local clients = 0
    for _, pool in ipairs(ctx.target:pools()) do
      clients = clients + (tonumber(pool.cl_active) or 0) + (tonumber(pool.cl_waiting) or 0)
    end
    local percent = clients * 100 / max
    assay.grade(ctx, percent, {
      resource = "setting/max_client_conn",
      evidence = { clients = clients, max_client_conn = max, percent = string.format("%.1f", percent),
                   warn_percent = warn, crit_percent = crit },
      message = string.format("active and waiting clients: %d of max_client_conn = %d, %.1f %%", clients, max, percent),
      warn = warn, warn_note = " (at or above %s %%)",
      crit = crit, crit_note = " (at or above %s %%): new clients are about to be refused",
    })
  end,
}
