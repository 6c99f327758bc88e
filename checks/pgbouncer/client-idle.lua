-- With client_idle_timeout = 0, clients that went away without closing (or idle pools of
-- frameworks) hold their slot of max_client_conn forever (seed audit).
return assay.check {
  id = "PGB-CLIENT-IDLE",
  title = "Idle clients are disconnected",
  severity = "high",
  category = "pool-efficiency",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "capacity" },
  references = { "https://www.pgbouncer.org/config.html#client_idle_timeout" },
  remediation = "Set in pgbouncer.ini (longer than the applications' own pool idle timeout) and reload:\n\n    client_idle_timeout = 900",
  run = function(ctx)
    assay.pgbouncer_not_zero(ctx, "client_idle_timeout", "idle clients hold their slots forever")
  end,
}
