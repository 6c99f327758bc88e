-- LATENCY DOCTOR reads the latency monitor's events (commands, forks, AOF fsync, expiry cycles
-- slower than latency-monitor-threshold) and says whether it saw spikes.

return assay.check {
  id = "REDIS-LATENCY-DOCTOR",
  title = "The latency doctor reports no spikes",
  severity = "low",
  category = "observability",
  needs = { "redis" },
  tags = { "redis", "latency" },
  references = {
    "https://redis.io/docs/latest/operate/oss_and_stack/management/optimization/latency-monitor/",
    "https://redis.io/docs/latest/commands/latency-doctor/",
  },
  remediation = "Read the whole report (`redis-cli LATENCY DOCTOR`) and its advice; LATENCY HISTORY <event> shows "
    .. "when the spikes happened.",
  run = function(ctx)
    local report, err = ctx.target:latency_doctor()
    if not report then return ctx:skip { resource = "latency", message = "cannot run LATENCY DOCTOR: " .. err } end
    if report:find("Latency monitoring is disabled", 1, true) then
      return ctx:skip { resource = "latency",
                        message = "latency monitoring is off (latency-monitor-threshold 0): nothing to diagnose" }
    end
    if report:find("I have observed latency spikes", 1, true) then
      local events = {}
      for line in report:gmatch("[^\n]+") do
        local event = line:match("^%d+%. (.-): %d+ latency spike")
        if event then events[#events + 1] = line end
      end
      ctx:fail { resource = "latency", evidence = { events = events },
                 message = "latency spikes observed: " .. table.concat(events, " ") }
    else
      ctx:pass { resource = "latency", message = "no latency spike observed" }
    end
  end,
}
