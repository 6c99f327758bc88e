-- query_wait_timeout = 0: clients wait in PgBouncer's queue forever.
return assay.check {
  id = "PGBINI-QUERY-WAIT-TIMEOUT",
  title = "PgBouncer does not queue clients forever",
  severity = "low",
  category = "resilience",
  needs = { "files" },
  tags = { "files", "pgbouncer" },
  description = [[
`query_wait_timeout = 0` lets a client wait for a server connection indefinitely: when PostgreSQL
is down or the pool is exhausted, requests hang instead of failing, and the queue grows until the
application's own timeouts fire. The default is 120 seconds.]],
  references = {
    "https://www.pgbouncer.org/config.html#query_wait_timeout",
  },
  remediation = [[
Give up on queued clients after a bound the application can handle:

    [pgbouncer]
    query_wait_timeout = 120]],
  run = function(ctx)
    local docs = ctx.target:configs("pgbouncer")
    if #docs == 0 then
      for _, f in ipairs(ctx.target:list()) do if f.kind == "pgbouncer" then return end end
      return ctx:skip { message = "no pgbouncer.ini in the folder" }
    end
    for _, doc in ipairs(docs) do
      local written = doc.data.pgbouncer.query_wait_timeout
      local value = tonumber(written) or 120
      local resource = doc.path .. "#query_wait_timeout"
      local evidence = {
        file = doc.path,
        line = doc.data.lines["pgbouncer.query_wait_timeout"],
        query_wait_timeout = value,
        default = written == nil,
      }
      if value <= 0 then
        ctx:fail {
          resource = resource,
          message = "query_wait_timeout = 0: queued clients wait forever",
          evidence = evidence,
        }
      else
        ctx:pass {
          resource = resource,
          message = "query_wait_timeout = " .. tostring(value) .. (written == nil and " (the default)" or ""),
          evidence = evidence,
        }
      end
    end
  end,
}
