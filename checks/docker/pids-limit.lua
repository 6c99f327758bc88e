-- CIS Docker Benchmark 5.29 (5.28 in older versions): without a PIDs limit a fork bomb in one
-- container exhausts the host's process table.

return assay.check {
  id = "DOCKER-PIDS-LIMIT",
  title = "Containers have a PIDs limit",
  severity = "low",
  category = "capacity",
  needs = { "docker" },
  tags = { "docker", "cis-5.29" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.29: Ensure that the PIDs cgroup limit is used",
    "https://docs.docker.com/reference/cli/docker/container/run/#pids-limit",
  },
  remediation = "Cap the number of processes: `--pids-limit 200` (compose: `pids_limit: 200` or "
    .. "`deploy.resources.limits.pids: 200`).",
  run = function(ctx)
    assay.each_container(ctx, function(resource, c)
      local limit = c.HostConfig.PidsLimit
      if limit ~= nil and limit > 0 then
        ctx:pass { resource = resource, message = "PIDs limit " .. limit, evidence = { pids_limit = limit } }
      else
        ctx:fail { resource = resource,
                   message = "no PIDs limit (" .. (limit == nil and "unset" or tostring(limit))
                     .. "): a fork bomb can exhaust the host's process table",
                   evidence = { pids_limit = limit or "unset" } }
      end
    end)
  end,
}
