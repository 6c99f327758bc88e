-- CIS Docker Benchmark 5.10, 5.16, 5.17, 5.21: sharing the host's network, process, IPC or UTS
-- namespace removes the isolation that namespace gives.

-- HostConfig field, the namespace, the docker flag, the CIS recommendation.
local MODES = {
  { "NetworkMode", "network", "--network host", "5.10" },
  { "PidMode", "pid", "--pid host", "5.16" },
  { "IpcMode", "ipc", "--ipc host", "5.17" },
  { "UTSMode", "uts", "--uts host", "5.21" },
}

return assay.check {
  id = "DOCKER-HOST-NAMESPACES",
  title = "Containers do not share the host's namespaces",
  severity = "high",
  category = "security",
  needs = { "docker" },
  tags = { "docker", "cis-5.10", "cis-5.16", "cis-5.17", "cis-5.21" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.10: Ensure that the host's network namespace is not shared",
    "CIS Docker Benchmark v1.6.0, 5.16: Ensure that the host's process namespace is not shared",
    "CIS Docker Benchmark v1.6.0, 5.17: Ensure that the host's IPC namespace is not shared",
    "CIS Docker Benchmark v1.6.0, 5.21: Ensure that the host's UTS namespace is not shared",
  },
  remediation = "Remove `--network host`, `--pid host`, `--ipc host` and `--uts host` (compose: `network_mode: host`, "
    .. "`pid: host`, `ipc: host`); publish the ports the service needs instead.",
  run = function(ctx)
    assay.each_container(ctx, function(resource, c)
      local shared, flags, evidence = {}, {}, {}
      for _, m in ipairs(MODES) do
        local value = c.HostConfig[m[1]] or ""
        evidence[m[1]] = value
        if value == "host" then
          shared[#shared + 1] = m[2] .. " (CIS " .. m[4] .. ")"
          flags[#flags + 1] = m[3]
        end
      end
      if #shared > 0 then
        ctx:fail { resource = resource,
                   message = "shares the host's " .. table.concat(shared, ", ") .. " namespace"
                     .. (#shared > 1 and "s" or ""),
                   evidence = evidence,
                   remediation = "Remove " .. table.concat(flags, ", ") .. " from this container." }
      else
        ctx:pass { resource = resource, message = "no host namespace shared" }
      end
    end)
  end,
}
