-- A container whose last exit was the kernel's OOM killer ran out of memory under its limit (or the
-- host's); it will again.

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
    assay.each_container(ctx, function(resource, c)
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
