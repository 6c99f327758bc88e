-- The slow log records commands slower than slowlog-log-slower-than; recent entries are commands
-- that blocked every other client for that long. A disabled slow log hides them.

return assay.check {
  id = "REDIS-SLOWLOG",
  title = "No recent slow commands, and the slow log is on",
  severity = "low",
  category = "observability",
  needs = { "redis" },
  tags = { "redis", "latency" },
  references = {
    "https://redis.io/docs/latest/commands/slowlog/",
    "https://raw.githubusercontent.com/redis/redis/7.0/redis.conf",
  },
  inputs = { max_age_hours = 24 },
  remediation = "Find the slow commands in `SLOWLOG GET` (KEYS, large SMEMBERS/HGETALL, Lua scripts) and "
    .. "replace them (SCAN, smaller reads); keep the slow log on:\n\n"
    .. "    slowlog-log-slower-than 10000\n    slowlog-max-len 128",
  run = function(ctx)
    local window = ctx:input("max_age_hours", 24) * 3600
    local cfg = ctx.target:config_get("*")
    if cfg then
      local slower, len = tonumber(cfg["slowlog-log-slower-than"]), tonumber(cfg["slowlog-max-len"])
      if (slower and slower < 0) or len == 0 then
        return ctx:fail { resource = "slowlog", evidence = { ["slowlog-log-slower-than"] = slower, ["slowlog-max-len"] = len },
                          message = string.format("the slow log is off (slowlog-log-slower-than %d, slowlog-max-len %d)",
                            slower or 0, len or 0) }
      end
    end
    local entries, err = ctx.target:slowlog(128)
    if not entries then return ctx:skip { resource = "slowlog", message = "cannot read the slow log: " .. err } end
    local now = ctx.target:info("default").server.server_time_usec // 1000000
    local recent, worst = {}, nil
    for _, e in ipairs(entries) do
      if now - e.timestamp <= window then
        recent[#recent + 1] = e
        if worst == nil or e.duration_us > worst.duration_us then worst = e end
      end
    end
    local evidence = { entries = #entries, recent = #recent, max_age_hours = window // 3600,
                       ["slowlog-log-slower-than"] = cfg and cfg["slowlog-log-slower-than"] }
    if #recent > 0 then
      -- Only the command name: arguments hold keys and values.
      evidence.worst_command = (worst.args[1] or "?"):upper()
      evidence.worst_duration_us = worst.duration_us
      ctx:fail { resource = "slowlog", evidence = evidence,
                 message = string.format("%d slow commands in the last %d h, the slowest %s took %.1f ms",
                   #recent, window // 3600, evidence.worst_command, worst.duration_us / 1000) }
    else
      ctx:pass { resource = "slowlog", evidence = evidence,
                 message = string.format("no slow command in the last %d h", window // 3600) }
    end
  end,
}
