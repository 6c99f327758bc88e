-- idle_in_transaction_session_timeout = 0: a forgotten transaction holds its locks and snapshot forever.

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
  id = "PGCONF-IDLE-IN-TRANSACTION-TIMEOUT",
  title = "PostgreSQL ends sessions idle in a transaction",
  severity = "low",
  category = "resilience",
  needs = { "files" },
  tags = { "files", "postgres" },
  description = [[
A session left "idle in transaction" (an application that forgot to commit, a debugger stopped
mid-request) keeps its locks, blocks vacuum from removing dead rows and, behind PgBouncer in
transaction pooling, holds a server connection. `idle_in_transaction_session_timeout = 0` (the
default) never ends it; the live PG checks report sessions already stuck (postgres-checkup G002).]],
  references = {
    "https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-IDLE-IN-TRANSACTION-SESSION-TIMEOUT",
    "https://gitlab.com/postgres-ai/postgres-checkup",
  },
  remediation = [[
End such sessions after a bound longer than any legitimate pause inside a transaction:

    idle_in_transaction_session_timeout = '10min']],
  run = function(ctx)
    local docs = ctx.target:configs("postgresql")
    if #docs == 0 then
      for _, f in ipairs(ctx.target:list()) do if f.kind == "postgresql" then return end end
      return ctx:skip { message = "no postgresql.conf in the folder" }
    end
    for _, server in ipairs(servers(docs)) do
      local setting = server.settings.idle_in_transaction_session_timeout
      local ms = setting and (setting.s.ms or setting.s.number) or 0
      local file = setting and setting.path or server.main
      local resource = file .. "#idle_in_transaction_session_timeout"
      local evidence = {
        file = file,
        line = setting and setting.s.line,
        value = setting and setting.s.value or "0 (not set: the default)",
        ms = ms,
      }
      if ms <= 0 then
        ctx:fail {
          resource = resource,
          message = "idle_in_transaction_session_timeout = 0" .. (setting and "" or " (the default)") .. ": sessions idle in a transaction are never ended",
          evidence = evidence,
        }
      else
        ctx:pass {
          resource = resource,
          message = "idle_in_transaction_session_timeout = " .. tostring(setting.s.value),
          evidence = evidence,
        }
      end
    end
  end,
}
