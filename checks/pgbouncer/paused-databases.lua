-- A database paused (PAUSE) or disabled (DISABLE) on the console stays so until someone runs
-- RESUME or ENABLE: its clients queue or are refused.
return assay.check {
  id = "PGB-PAUSED-DATABASES",
  title = "No database is paused or disabled",
  severity = "high",
  category = "availability",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "availability" },
  references = { "https://www.pgbouncer.org/usage.html#process-controlling-commands",
                 "https://www.pgbouncer.org/usage.html#show-databases" },
  remediation = "If the maintenance is over, run on the admin console: RESUME name; (after PAUSE) or ENABLE name; (after DISABLE).",
  run = function(ctx)
    -- SHOW STATE exists from 1.19; older consoles answer with an error, which is no finding here.
    local state = ctx.target:show("STATE")
    if state then
      for _, row in ipairs(state) do
        if (row.key == "paused" or row.key == "suspended") and row.value == "yes" then
          ctx:fail { resource = "state/" .. row.key, evidence = { [row.key] = row.value },
                     message = "PgBouncer is " .. row.key .. " as a whole (SHOW STATE)" }
        end
      end
    end
    for _, db in ipairs(assay.pgbouncer_databases(ctx.target)) do
      local paused, disabled = tonumber(db.paused) == 1, tonumber(db.disabled) == 1
      local evidence = { paused = db.paused, disabled = db.disabled }
      if paused or disabled then
        local what = paused and disabled and "paused and disabled" or paused and "paused" or "disabled"
        ctx:fail { resource = "database/" .. db.name, evidence = evidence,
                   message = "database " .. db.name .. " is " .. what ..
                     (disabled and ": new clients are refused" or ": its clients wait for RESUME") }
      else
        ctx:pass { resource = "database/" .. db.name, evidence = evidence,
                   message = "database " .. db.name .. " is neither paused nor disabled" }
      end
    end
  end,
}
