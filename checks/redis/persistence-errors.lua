-- A failed background save or AOF write means the data on disk is older than Redis thinks; with
-- stop-writes-on-bgsave-error (the default) Redis also refuses writes until a save succeeds.

local FIELDS = { "rdb_last_bgsave_status", "aof_last_bgrewrite_status", "aof_last_write_status" }

return assay.check {
  id = "REDIS-PERSISTENCE-ERRORS",
  title = "The last saves and AOF writes succeeded",
  severity = "high",
  category = "resilience",
  needs = { "redis" },
  tags = { "redis", "persistence" },
  references = {
    "https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/",
    "https://redis.io/docs/latest/commands/info/#persistence",
  },
  remediation = "Read Redis's log for the failed save (disk full, permissions on `dir`, fork failing for lack "
    .. "of memory: vm.overcommit_memory = 1), fix it, then run BGSAVE and watch rdb_last_bgsave_status.",
  run = function(ctx)
    local p = ctx.target:info("default").persistence
    local failed, evidence = {}, { aof_enabled = p.aof_enabled, rdb_last_save_time = p.rdb_last_save_time }
    for _, field in ipairs(FIELDS) do
      evidence[field] = p[field]
      if p[field] ~= nil and p[field] ~= "ok" then failed[#failed + 1] = field .. " = " .. tostring(p[field]) end
    end
    if #failed > 0 then
      ctx:fail { resource = "info/persistence", evidence = evidence,
                 message = table.concat(failed, ", ") .. ": the data on disk is not what Redis holds" }
    else
      ctx:pass { resource = "info/persistence", evidence = evidence, message = "last saves and AOF writes ok" }
    end
  end,
}
