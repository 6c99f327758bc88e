-- Clients queued for a server connection: each one is a request stalled in the application.
return assay.check {
  id = "PGB-WAITING-CLIENTS",
  title = "No client waits for a server connection",
  severity = "medium",
  category = "pool-efficiency",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "pools" },
  references = { "https://www.pgbouncer.org/usage.html#show-pools" },
  remediation = "Find what holds the server connections (SHOW SERVERS, long transactions in PostgreSQL); raise pool_size if PostgreSQL has room, or use transaction pooling.",
  description = "Fails for each pool (database/user) with at least min_waiting clients in cl_waiting at the moment of the audit.",
  inputs = { min_waiting = 1 },
  run = function(ctx)
    local min = ctx:input("min_waiting", 1)
    local pools = assay.client_pools(ctx.target)
    if #pools == 0 then
      return ctx:skip { message = "no client pool exists yet (only the admin console)" }
    end
    for _, pool in ipairs(pools) do
      local waiting = tonumber(pool.cl_waiting) or 0
      local resource = "pool/" .. pool.database .. "/" .. pool.user
      local evidence = { cl_waiting = waiting, cl_active = pool.cl_active, sv_active = pool.sv_active,
                         sv_idle = pool.sv_idle, min_waiting = min }
      if waiting >= min then
        ctx:fail { resource = resource, evidence = evidence,
                   message = string.format("%d clients of %s/%s wait for a server connection (%s active)",
                                           waiting, pool.database, pool.user, pool.cl_active) }
      else
        ctx:pass { resource = resource, evidence = evidence,
                   message = string.format("no client of %s/%s waits", pool.database, pool.user) }
      end
    end
  end,
}
