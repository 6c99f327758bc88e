-- Without maxmemory Redis grows until the kernel's OOM killer ends it (or the host swaps); near
-- the cap it starts evicting or refusing writes.

return assay.check {
  id = "REDIS-MEMORY-CAP",
  title = "Memory is capped and not close to the cap",
  severity = "medium",
  category = "capacity",
  needs = { "redis" },
  tags = { "redis", "memory" },
  references = {
    "https://redis.io/docs/latest/develop/reference/eviction/",
    "https://raw.githubusercontent.com/redis/redis/7.0/redis.conf",
  },
  inputs = { warn_percent = 90 },
  remediation = "Cap memory below what the host or container can give Redis, in redis.conf:\n\n"
    .. "    maxmemory 2gb\n    maxmemory-policy allkeys-lru   # for a cache; noeviction for a store",
  run = function(ctx)
    local warn = ctx:input("warn_percent", 90)
    local m = ctx.target:info("default").memory
    local max, used = m.maxmemory, m.used_memory
    local evidence = { maxmemory = max, used_memory = used, maxmemory_policy = m.maxmemory_policy,
                       warn_percent = warn }
    if max == 0 then
      ctx:fail { resource = "setting/maxmemory", evidence = evidence,
                 message = "maxmemory 0: no memory limit (" .. m.used_memory_human .. " used); Redis grows "
                   .. "until the OOM killer stops it" }
      return
    end
    local percent = used * 100 / max
    evidence.used_percent = string.format("%.1f", percent)
    if percent >= warn then
      ctx:fail { resource = "setting/maxmemory", severity = "high", evidence = evidence,
                 message = string.format("%.1f%% of maxmemory used (%s of %s, threshold %s%%): policy %s %s",
                   percent, m.used_memory_human, m.maxmemory_human, warn, m.maxmemory_policy,
                   m.maxmemory_policy == "noeviction" and "will refuse writes" or "is evicting keys"),
                 remediation = "Raise maxmemory (and the memory the host gives Redis) or shrink the dataset." }
    else
      ctx:pass { resource = "setting/maxmemory", evidence = evidence,
                 message = string.format("%.1f%% of maxmemory %s used", percent, m.maxmemory_human) }
    end
  end,
}
