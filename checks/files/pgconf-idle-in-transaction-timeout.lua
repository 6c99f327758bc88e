-- idle_in_transaction_session_timeout = 0: a forgotten transaction holds its locks and snapshot forever.

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
    local docs = assay.documents(ctx, "postgresql", "postgresql.conf")
    if not docs then return end
    -- One server per folder: postgresql.auto.conf (ALTER SYSTEM) wins over postgresql.conf.
    for _, server in ipairs(assay.postgresql_servers(docs)) do
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
