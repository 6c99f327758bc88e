-- server_lifetime = 0: every server connection is used once, then closed.
return assay.check {
  id = "PGBINI-SERVER-LIFETIME",
  title = "PgBouncer reuses server connections for a bounded time",
  severity = "low",
  category = "pool-efficiency",
  needs = { "files" },
  tags = { "files", "pgbouncer" },
  description = [[
PgBouncer closes a server connection once it is older than `server_lifetime`. With 0 the
connection is "used only once, then closed" (PgBouncer's documentation): every transaction pays a
new PostgreSQL backend, its authentication and its cold caches. The default, 3600 seconds,
recycles connections hourly.]],
  references = {
    "https://www.pgbouncer.org/config.html#server_lifetime",
  },
  remediation = [[
Recycle server connections hourly (the default):

    [pgbouncer]
    server_lifetime = 3600]],
  run = function(ctx)
    local docs = ctx.target:configs("pgbouncer")
    if #docs == 0 then
      for _, f in ipairs(ctx.target:list()) do if f.kind == "pgbouncer" then return end end
      return ctx:skip { message = "no pgbouncer.ini in the folder" }
    end
    for _, doc in ipairs(docs) do
      local written = doc.data.pgbouncer.server_lifetime
      local value = tonumber(written) or 3600
      local resource = doc.path .. "#server_lifetime"
      local evidence = {
        file = doc.path,
        line = doc.data.lines["pgbouncer.server_lifetime"],
        server_lifetime = value,
        default = written == nil,
      }
      if value <= 0 then
        ctx:fail {
          resource = resource,
          message = "server_lifetime = 0: every server connection is used once, then closed",
          evidence = evidence,
        }
      else
        ctx:pass {
          resource = resource,
          message = "server_lifetime = " .. tostring(value) .. (written == nil and " (the default)" or ""),
          evidence = evidence,
        }
      end
    end
  end,
}
