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
    local value = tonumber(ctx.target:config().server_lifetime)
    if value == nil then
      ctx:error { message = "SHOW CONFIG has no server_lifetime" }
    elseif value == 0 then
      ctx:fail { resource = "setting/server_lifetime", evidence = { server_lifetime = value },
                 message = "server_lifetime = 0: each server connection is used once and closed, so every client pays for a new PostgreSQL backend" }
    else
      ctx:pass { resource = "setting/server_lifetime", evidence = { server_lifetime = value },
                 message = "server_lifetime = " .. value .. " s" }
    end
  end,
}
