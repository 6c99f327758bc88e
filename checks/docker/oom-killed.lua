-- A container whose last exit was the kernel's OOM killer ran out of memory under its limit (or the
-- host's); it will again.

local function each_container(ctx, fn)
  local named = {}
  for _, c in ipairs(ctx.target:containers()) do
    local name = c.Names and c.Names[1] or c.Id
    named[#named + 1] = { id = c.Id, name = (name:gsub("^/", "")) }
  end
  if #named == 0 then return ctx:skip { message = "the engine has no containers" } end
  table.sort(named, function(a, b) return a.name < b.name end)
  for _, c in ipairs(named) do
    local resource = "container/" .. c.name
    local info, err = ctx.target:container(c.id)
    if info then fn(resource, info) else ctx:skip { resource = resource, message = err } end
  end
end

return assay.check {
  id = "DOCKER-OOM-KILLED",
  title = "No container was killed for lack of memory",
  severity = "high",
  category = "availability",
  needs = { "docker" },
  tags = { "docker", "memory" },
  references = { "https://docs.docker.com/engine/containers/resource_constraints/#understand-the-risks-of-running-out-of-memory" },
  remediation = "Raise the container's memory limit to its real working set (`--memory`, compose "
    .. "`deploy.resources.limits.memory`), or find what makes it grow.",
  run = function(ctx)
    each_container(ctx, function(resource, c)
      local limit = c.HostConfig.Memory or 0
      if c.State.OOMKilled then
        ctx:fail { resource = resource,
                   message = string.format("OOM-killed (exit code %d, memory limit %s)", c.State.ExitCode or 0,
                                           limit > 0 and (limit // 1048576 .. " MiB") or "none"),
                   evidence = { oom_killed = true, exit_code = c.State.ExitCode, status = c.State.Status,
                                memory_bytes = limit, finished_at = c.State.FinishedAt } }
      else
        ctx:pass { resource = resource, message = "not OOM-killed" }
      end
    end)
  end,
}
