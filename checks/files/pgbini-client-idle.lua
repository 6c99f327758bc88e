-- client_idle_timeout = 0 (the default): idle clients are never disconnected.
return assay.check {
  id = "PGBINI-CLIENT-IDLE",
  title = "PgBouncer disconnects idle clients",
  severity = "high",
  category = "pool-efficiency",
  needs = { "files" },
  tags = { "files", "pgbouncer" },
  description = [[
With `client_idle_timeout = 0` (PgBouncer's default) client connections that applications leak or
forget are kept forever: they count against max_client_conn until new clients are refused, and
in session pooling each holds a server connection (seen in audits).]],
  references = {
    "https://www.pgbouncer.org/config.html#client_idle_timeout",
    "https://www.pgbouncer.org/config.html#max_client_conn",
  },
  remediation = [[
Close clients idle for longer than any application pool keeps them (larger than the client-side
connection lifetime):

    [pgbouncer]
    client_idle_timeout = 900]],
  run = function(ctx)
    local docs = ctx.target:configs("pgbouncer")
    if #docs == 0 then
      for _, f in ipairs(ctx.target:list()) do if f.kind == "pgbouncer" then return end end
      return ctx:skip { message = "no pgbouncer.ini in the folder" }
    end
    for _, doc in ipairs(docs) do
      local written = doc.data.pgbouncer.client_idle_timeout
      local value = tonumber(written) or 0
      local evidence = {
        file = doc.path,
        line = doc.data.lines["pgbouncer.client_idle_timeout"],
        client_idle_timeout = value,
        default = written == nil,
      }
      local resource = doc.path .. "#client_idle_timeout"
      if value <= 0 then
        ctx:fail {
          resource = resource,
          message = "client_idle_timeout = 0" .. (written == nil and " (not set: the default)" or "") .. ": idle clients hold their slots forever",
          evidence = evidence,
        }
      else
        ctx:pass { resource = resource, message = "client_idle_timeout = " .. tostring(written), evidence = evidence }
      end
    end
  end,
}
