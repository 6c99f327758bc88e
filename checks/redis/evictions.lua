-- Evicted keys are data Redis threw away to stay under maxmemory: harmless for a cache sized on
-- purpose, data loss for a store, a hit-rate problem for an undersized cache.

return assay.check {
  id = "REDIS-EVICTIONS",
  title = "No keys were evicted",
  severity = "low",
  category = "capacity",
  needs = { "redis" },
  tags = { "redis", "memory" },
  references = { "https://redis.io/docs/latest/develop/reference/eviction/" },
  remediation = "Raise maxmemory if the keys should have stayed; for a store, use `maxmemory-policy noeviction`.",
  run = function(ctx)
    local info = ctx.target:info("default")
    local evicted = info.stats.evicted_keys
    local evidence = { evicted_keys = evicted, maxmemory = info.memory.maxmemory,
                       maxmemory_policy = info.memory.maxmemory_policy, uptime_in_seconds = info.server.uptime_in_seconds }
    if evicted > 0 then
      ctx:fail { resource = "info/evicted_keys", evidence = evidence,
                 message = string.format("%d keys evicted since the start (policy %s, maxmemory %s)",
                   evicted, info.memory.maxmemory_policy, info.memory.maxmemory_human) }
    else
      ctx:pass { resource = "info/evicted_keys", evidence = evidence, message = "no key evicted since the start" }
    end
  end,
}
