-- Once connected_clients reaches maxclients Redis refuses new connections
-- ("ERR max number of clients reached"); rejected_connections counts the ones already refused.

return assay.check {
  id = "REDIS-CLIENTS",
  title = "Client connections stay below maxclients",
  severity = "medium",
  category = "capacity",
  needs = { "redis" },
  tags = { "redis", "connections" },
  references = {
    "https://redis.io/docs/latest/develop/reference/clients/#maximum-concurrent-connected-clients",
    "https://redis.io/docs/latest/commands/info/#stats",
  },
  inputs = { warn_percent = 80 },
  remediation = "Raise maxclients (and the process's file-descriptor limit), or find the clients that leak "
    .. "connections (CLIENT LIST, sorted by age); pool connections in the application.",
  run = function(ctx)
    local warn = ctx:input("warn_percent", 80)
    local info = ctx.target:info("default")
    local connected, max = info.clients.connected_clients, info.clients.maxclients
    local rejected = info.stats.rejected_connections
    local percent = connected * 100 / max
    local evidence = { connected_clients = connected, maxclients = max, rejected_connections = rejected,
                       used_percent = string.format("%.1f", percent), warn_percent = warn }
    local problems = {}
    if percent >= warn then
      problems[#problems + 1] = string.format("%d of maxclients %d connected (%.0f%%, threshold %s%%)",
        connected, max, percent, warn)
    end
    if rejected > 0 then
      problems[#problems + 1] = rejected .. " connections rejected since the start (maxclients reached)"
    end
    if #problems > 0 then
      ctx:fail { resource = "setting/maxclients", evidence = evidence, message = table.concat(problems, "; ") }
    else
      ctx:pass { resource = "setting/maxclients", evidence = evidence,
                 message = string.format("%d of maxclients %d connected, none rejected", connected, max) }
    end
  end,
}
