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
    local value = tonumber(ctx.target:config().client_idle_timeout)
    if value == nil then
      ctx:error { message = "SHOW CONFIG has no client_idle_timeout" }
    elseif value == 0 then
      ctx:fail { resource = "setting/client_idle_timeout", evidence = { client_idle_timeout = value },
                 message = "client_idle_timeout = 0: idle clients hold their slots forever" }
    else
      ctx:pass { resource = "setting/client_idle_timeout", evidence = { client_idle_timeout = value },
                 message = "client_idle_timeout = " .. value .. " s" }
    end
  end,
}
