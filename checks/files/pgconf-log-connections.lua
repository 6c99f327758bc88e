-- Without connection logging, who connected (and who tried) is not on record.

return assay.check {
  id = "PGCONF-LOG-CONNECTIONS",
  title = "PostgreSQL logs connections and disconnections",
  severity = "low",
  category = "observability",
  needs = { "files" },
  tags = { "files", "postgres" },
  description = [[
`log_connections` and `log_disconnections` (both off by default) record who connected from where,
failed attempts included, and how long sessions lasted: the first evidence in an incident and the
way to find connection leaks and storms.]],
  references = {
    "https://www.postgresql.org/docs/current/runtime-config-logging.html#GUC-LOG-CONNECTIONS",
    "https://www.postgresql.org/docs/current/runtime-config-logging.html#GUC-LOG-DISCONNECTIONS",
  },
  remediation = [[
Turn both on (reload is enough):

    log_connections = on
    log_disconnections = on]],
  run = function(ctx)
    local docs = assay.documents(ctx, "postgresql", "postgresql.conf")
    if not docs then return end
    -- One server per folder: postgresql.auto.conf (ALTER SYSTEM) wins over postgresql.conf.
    for _, server in ipairs(assay.postgresql_servers(docs)) do
      for _, name in ipairs({ "log_connections", "log_disconnections" }) do
        local setting = server.settings[name]
        local value = setting and tostring(setting.s.value) or nil
        -- off/false/no/0, or "" (PostgreSQL 18 takes a list of aspects for log_connections)
        local off = setting == nil or setting.s.bool == false or value == ""
        local file = setting and setting.path or server.main
        local evidence = {
          file = file,
          line = setting and setting.s.line,
          [name] = value or "off (not set: the default)",
        }
        if off then
          ctx:fail {
            resource = file .. "#" .. name,
            message = name .. " = " .. (value == nil and "off (the default)" or (value == "" and "''" or value)) .. ": "
              .. (name == "log_connections" and "connection attempts are not logged" or "session ends and durations are not logged"),
            evidence = evidence,
          }
        else
          ctx:pass { resource = file .. "#" .. name, message = name .. " = " .. value, evidence = evidence }
        end
      end
    end
  end,
}
