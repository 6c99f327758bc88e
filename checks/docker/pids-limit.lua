-- CIS Docker Benchmark 5.29 (5.28 in older versions): without a PIDs limit a fork bomb in one
-- container exhausts the host's process table.

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
    each_container(ctx, function(resource, c)
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
