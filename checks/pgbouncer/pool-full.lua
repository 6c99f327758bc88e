-- A pool whose server connections are all in use while clients queue: the pool size, not
-- PostgreSQL, is the bottleneck right now.
return assay.check {
  id = "PGB-POOL-FULL",
  title = "No pool is full with clients waiting",
  severity = "medium",
  category = "pool-efficiency",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "pools", "capacity" },
  references = { "https://www.pgbouncer.org/usage.html#show-pools",
                 "https://www.pgbouncer.org/config.html#pool_size" },
  remediation = "Raise pool_size for the database (if PostgreSQL has room: see PGB-OVERSUBSCRIPTION), shorten the transactions that hold server connections, or use transaction pooling.",
  description = "Fails for each pool whose sv_active reaches the database's pool_size while cl_waiting > 0.",
  run = function(ctx)
    local sizes = {}
    for _, db in ipairs(ctx.target:databases()) do sizes[db.name] = tonumber(db.pool_size) end
    local pools = assay.client_pools(ctx.target)
    if #pools == 0 then
      return ctx:skip { message = "no client pool exists yet (only the admin console)" }
    end
    for _, pool in ipairs(pools) do
      local size = sizes[pool.database]
      local active, waiting = tonumber(pool.sv_active) or 0, tonumber(pool.cl_waiting) or 0
      local resource = "pool/" .. pool.database .. "/" .. pool.user
      local evidence = { pool_size = size, sv_active = active, cl_waiting = waiting }
      if size ~= nil and active >= size and waiting > 0 then
        ctx:fail { resource = resource, evidence = evidence,
                   message = string.format("pool %s/%s is full (%d of pool_size %d server connections active) and %d clients wait",
                                           pool.database, pool.user, active, size, waiting) }
      else
        ctx:pass { resource = resource, evidence = evidence,
                   message = string.format("pool %s/%s: %d of pool_size %s server connections active, %d clients waiting",
                                           pool.database, pool.user, active, tostring(size), waiting) }
      end
    end
  end,
}
