-- How long the oldest waiting client of a pool has waited (SHOW POOLS maxwait + maxwait_us).
return assay.check {
  id = "PGB-MAX-WAIT",
  title = "Clients do not wait long for a server connection",
  severity = "medium",
  category = "pool-efficiency",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "pools", "latency" },
  references = { "https://www.pgbouncer.org/usage.html#show-pools",
                 "https://www.pgbouncer.org/config.html#reserve_pool_timeout" },
  remediation = "Find what holds the server connections (SHOW SERVERS, long transactions in PostgreSQL); raise pool_size or reserve_pool_size if PostgreSQL has room.",
  description = "Medium when the oldest waiting client of a pool has waited warn_seconds; high at high_seconds (0: reserve_pool_timeout, or 5 s when that is 0).",
  inputs = { warn_seconds = 1, high_seconds = 0 },
  run = function(ctx)
    local warn = ctx:input("warn_seconds", 1)
    local high = ctx:input("high_seconds", 0)
    if high <= 0 then
      local reserve = tonumber(ctx.target:config().reserve_pool_timeout) or 0
      high = reserve > 0 and reserve or 5
    end
    local pools = assay.client_pools(ctx.target)
    if #pools == 0 then
      return ctx:skip { message = "no client pool exists yet (only the admin console)" }
    end
    for _, pool in ipairs(pools) do
      local wait = (tonumber(pool.maxwait) or 0) + (tonumber(pool.maxwait_us) or 0) / 1e6
      assay.grade(ctx, wait, {
        resource = "pool/" .. pool.database .. "/" .. pool.user,
        evidence = { maxwait_seconds = string.format("%.3f", wait), cl_waiting = pool.cl_waiting,
                     warn_seconds = warn, high_seconds = high },
        message = string.format("the oldest waiting client of %s/%s has waited %.3f s", pool.database, pool.user, wait),
        warn = warn, warn_note = " (at or above %s s)",
        crit = high, crit_note = " (at or above %s s)", crit_severity = "high",
      })
    end
  end,
}
