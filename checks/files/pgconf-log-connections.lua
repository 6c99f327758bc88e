-- Without connection logging, who connected (and who tried) is not on record.

-- One server per folder: postgresql.auto.conf (ALTER SYSTEM) wins over postgresql.conf.
local function servers(docs)
  local list, by_folder = {}, {}
  for _, doc in ipairs(docs) do
    local folder = doc.path:match("^(.*/)") or ""
    local server = by_folder[folder]
    if not server then
      server = { main = folder .. "postgresql.conf", settings = {} }
      by_folder[folder] = server
      list[#list + 1] = server
    end
    local auto = doc.path:match("postgresql%.auto%.conf$") ~= nil
    for name, s in pairs(doc.data.settings or {}) do
      local current = server.settings[name]
      if auto or current == nil or not current.auto then server.settings[name] = { s = s, path = doc.path, auto = auto } end
    end
  end
  return list
end

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
    local docs = ctx.target:configs("postgresql")
    if #docs == 0 then
      for _, f in ipairs(ctx.target:list()) do if f.kind == "postgresql" then return end end
      return ctx:skip { message = "no postgresql.conf in the folder" }
    end
    for _, server in ipairs(servers(docs)) do
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
