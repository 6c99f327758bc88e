-- CIS Docker Benchmark 5.11 (5.10 in older versions): a container without a memory limit can take
-- all of the host's memory, and the kernel's OOM killer then picks its victims anywhere.

return assay.check {
  id = "DOCKER-MEMORY-LIMIT",
  title = "Containers have a memory limit",
  severity = "medium",
  category = "capacity",
  needs = { "docker" },
  tags = { "docker", "cis-5.11" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.11: Ensure that the memory usage for containers is limited",
    "https://docs.docker.com/engine/containers/resource_constraints/#memory",
  },
  remediation = "Give the container a limit sized to its working set: `--memory 512m` "
    .. "(compose: `deploy.resources.limits.memory: 512M` or `mem_limit: 512m`).",
  run = function(ctx)
    assay.each_container(ctx, function(resource, c)
      local memory = c.HostConfig.Memory or 0
      if memory > 0 then
        ctx:pass { resource = resource, message = string.format("memory limit %d MiB", memory // 1048576),
                   evidence = { memory_bytes = memory } }
      else
        ctx:fail { resource = resource, message = "no memory limit: the container can exhaust the host's memory",
                   evidence = { memory_bytes = memory } }
      end
    end)
  end,
}
