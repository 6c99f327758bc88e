-- With appendonly no and save "", a restart loses every key. Right for a cache, wrong for a
-- store: the input must_persist says which this server is (default: a cache).

return assay.check {
  id = "REDIS-NO-PERSISTENCE",
  title = "A store that must survive restarts is persisted",
  severity = "medium",
  category = "resilience",
  needs = { "redis" },
  tags = { "redis", "persistence" },
  references = { "https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/" },
  inputs = { must_persist = false },
  remediation = "Turn persistence on, in redis.conf:\n\n    appendonly yes\n    appendfsync everysec\n\n"
    .. "and/or RDB snapshots: `save 3600 1 300 100 60 10000`.",
  run = function(ctx)
    local must = ctx:input("must_persist", false)
    local aof = ctx.target:info("default").persistence.aof_enabled == 1
    local cfg, err = ctx.target:config_get("*")
    local save = cfg and cfg.save
    local evidence = { aof_enabled = aof, save = save, must_persist = must }
    if aof or (save ~= nil and save ~= "") then
      local how = {}
      if aof then how[#how + 1] = "appendonly yes" end
      if save ~= nil and save ~= "" then how[#how + 1] = 'save "' .. save .. '"' end
      return ctx:pass { resource = "setting/save", evidence = evidence, message = "persisted: " .. table.concat(how, ", ") }
    end
    if save == nil then
      return ctx:skip { resource = "setting/save", evidence = evidence,
                        message = "appendonly no, and cannot read the RDB save schedule: " .. (err or "no save setting") }
    end
    if must then
      ctx:fail { resource = "setting/save", evidence = evidence,
                 message = 'appendonly no and save "": a restart loses every key (input must_persist = true)' }
    else
      ctx:skip { resource = "setting/save", evidence = evidence,
                 message = 'appendonly no and save "": nothing survives a restart, fine for a cache '
                   .. "(set the input must_persist = true for a store)" }
    end
  end,
}
