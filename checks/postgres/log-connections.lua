-- Without connection and disconnection logs, who connected from where (and for how long) cannot
-- be answered after an incident.
return assay.check {
  id = "PG-LOG-CONNECTIONS",
  title = "Connections and disconnections are logged",
  severity = "low",
  category = "observability",
  needs = { "postgres" },
  tags = { "postgres", "logging" },
  references = { "https://www.postgresql.org/docs/current/runtime-config-logging.html#GUC-LOG-CONNECTIONS" },
  remediation = "Set in postgresql.conf and reload:\n\n    log_connections = on\n    log_disconnections = on",
  run = function(ctx)
    local settings = ctx.target:settings()
    for _, name in ipairs({ "log_connections", "log_disconnections" }) do
      local s = settings[name]
      if s == nil then
        ctx:error { resource = "setting/" .. name, message = "pg_settings has no " .. name }
      elseif s.setting == "off" or s.setting == "" then
        -- PostgreSQL 18 turns log_connections into a list of aspects; empty means off.
        ctx:fail { resource = "setting/" .. name, evidence = { [name] = s.setting, source = s.source },
                   message = name .. " = " .. (s.setting == "" and "''" or s.setting) .. ": " ..
                     (name == "log_connections" and "connections" or "session ends") .. " leave no trace in the log" }
      else
        ctx:pass { resource = "setting/" .. name, evidence = { [name] = s.setting }, message = name .. " = " .. s.setting }
      end
    end
  end,
}
