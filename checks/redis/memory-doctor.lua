-- MEMORY DOCTOR looks for a past peak far above current use, fragmentation, RSS overhead, big
-- client or replica buffers and too many cached scripts.

return assay.check {
  id = "REDIS-MEMORY-DOCTOR",
  title = "The memory doctor finds no issue",
  severity = "low",
  category = "observability",
  needs = { "redis" },
  tags = { "redis", "memory" },
  references = { "https://redis.io/docs/latest/commands/memory-doctor/" },
  remediation = "Read the whole report (`redis-cli MEMORY DOCTOR`) and follow its advice.",
  run = function(ctx)
    local report, err = ctx.target:memory_doctor()
    if not report then return ctx:skip { resource = "memory", message = "cannot run MEMORY DOCTOR: " .. err } end
    if report:find("I detected a few issues", 1, true) then
      local issues = {}
      for title in report:gmatch("\n %* ([^:\n]+):") do issues[#issues + 1] = title end
      ctx:fail { resource = "memory", evidence = { issues = issues },
                 message = "the memory doctor reports: " .. table.concat(issues, ", ") }
    elseif report:find("empty or is using very little memory", 1, true) then
      ctx:skip { resource = "memory", message = "the memory doctor cannot judge an (almost) empty instance" }
    else
      ctx:pass { resource = "memory", message = "the memory doctor finds no issue" }
    end
  end,
}
