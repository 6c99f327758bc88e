-- CIS Docker Benchmark 5.12 (5.11 in older versions): a container without a CPU limit or weight can
-- starve its neighbours.

return assay.check {
  id = "DOCKER-CPU-LIMIT",
  title = "Containers have a CPU limit",
  severity = "low",
  category = "capacity",
  needs = { "docker" },
  tags = { "docker", "cis-5.12" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.12: Ensure that CPU priority is set appropriately on containers",
    "https://docs.docker.com/engine/containers/resource_constraints/#cpu",
  },
  remediation = "Limit the container's CPU: `--cpus 1.5` (compose: `deploy.resources.limits.cpus: '1.5'` or "
    .. "`cpus: 1.5`), or give it a relative weight with `--cpu-shares 512`.",
  run = function(ctx)
    assay.each_container(ctx, function(resource, c)
      local h = c.HostConfig
      local evidence = { nano_cpus = h.NanoCpus or 0, cpu_quota = h.CpuQuota or 0, cpu_shares = h.CpuShares or 0,
                         cpuset_cpus = h.CpusetCpus or "" }
      -- 0 and 1024 (the default weight) leave the container on an equal footing with every other.
      local shares = evidence.cpu_shares ~= 0 and evidence.cpu_shares ~= 1024
      if evidence.nano_cpus > 0 then
        ctx:pass { resource = resource, message = string.format("limited to %g CPUs", evidence.nano_cpus / 1e9),
                   evidence = evidence }
      elseif evidence.cpu_quota > 0 or evidence.cpuset_cpus ~= "" or shares then
        ctx:pass { resource = resource, message = "CPU quota, CPU set or weight set", evidence = evidence }
      else
        ctx:fail { resource = resource, message = "no CPU limit, CPU set or weight: the container can take every core",
                   evidence = evidence }
      end
    end)
  end,
}
