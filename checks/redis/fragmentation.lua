-- mem_fragmentation_ratio is resident memory over what Redis allocated: well above 1 the process
-- holds memory it does not use; below 1 part of the dataset is in swap, and every access to it
-- waits on the disk. Like Redis's MEMORY DOCTOR, nothing is judged below a few megabytes.

return assay.check {
  id = "REDIS-FRAGMENTATION",
  title = "Memory is neither badly fragmented nor swapped",
  severity = "low",
  category = "capacity",
  needs = { "redis" },
  tags = { "redis", "memory" },
  references = {
    "https://redis.io/docs/latest/commands/info/#memory",
    "https://redis.io/docs/latest/operate/oss_and_stack/management/optimization/memory-optimization/",
  },
  inputs = { high_ratio = 1.4, min_excess_mb = 10, swap_ratio = 1.0, min_used_mb = 5 },
  remediation = "Let Redis defragment in place, in redis.conf:\n\n    activedefrag yes\n\n"
    .. "or restart it after a failover; MEMORY PURGE helps after a one-off peak.",
  run = function(ctx)
    local high = ctx:input("high_ratio", 1.4)
    local min_excess = ctx:input("min_excess_mb", 10) * 1048576
    local swap = ctx:input("swap_ratio", 1.0)
    local min_used = ctx:input("min_used_mb", 5) * 1048576
    local m = ctx.target:info("default").memory
    local ratio, used, rss = m.mem_fragmentation_ratio, m.used_memory, m.used_memory_rss
    local excess = m.mem_fragmentation_bytes or (rss - used)
    local evidence = { mem_fragmentation_ratio = ratio, mem_fragmentation_bytes = excess, used_memory = used,
                       used_memory_rss = rss, high_ratio = high, swap_ratio = swap,
                       min_excess_bytes = min_excess, min_used_bytes = min_used }
    if used < min_used then
      ctx:pass { resource = "info/mem_fragmentation_ratio", evidence = evidence,
                 message = string.format("only %s used: too little for the ratio (%.2f) to mean anything",
                   m.used_memory_human, ratio) }
    elseif ratio < swap then
      ctx:fail { resource = "info/mem_fragmentation_ratio", severity = "high", evidence = evidence,
                 message = string.format("mem_fragmentation_ratio %.2f < %.2f: resident memory (%s) is below what "
                   .. "Redis allocated (%s), part of the dataset is swapped out", ratio, swap,
                   m.used_memory_rss_human, m.used_memory_human),
                 remediation = "Give Redis enough RAM (maxmemory below the host's free memory) and disable swap "
                   .. "for it; see the latency of the affected commands with LATENCY DOCTOR." }
    elseif ratio > high and excess > min_excess then
      ctx:fail { resource = "info/mem_fragmentation_ratio", evidence = evidence,
                 message = string.format("mem_fragmentation_ratio %.2f > %.2f: %d MiB resident beyond what Redis uses",
                   ratio, high, excess // 1048576) }
    else
      ctx:pass { resource = "info/mem_fragmentation_ratio", evidence = evidence,
                 message = string.format("mem_fragmentation_ratio %.2f", ratio) }
    end
  end,
}
