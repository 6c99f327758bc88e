-- CIS Docker Benchmark 5.5: a privileged container has every capability and every device of the
-- host; escaping it is trivial.

-- Calls fn(resource, inspect) for every container (created and stopped ones too), sorted by name.
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
  id = "DOCKER-PRIVILEGED",
  title = "Containers do not run privileged",
  severity = "critical",
  category = "security",
  needs = { "docker" },
  tags = { "docker", "cis-5.5" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.5: Ensure that privileged containers are not used",
    "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",
  },
  remediation = "Remove `--privileged` (compose: `privileged: true`) and add only the capabilities or devices "
    .. "the container needs, e.g. `--cap-add NET_ADMIN` or `--device /dev/fuse`.",
  run = function(ctx)
    each_container(ctx, function(resource, c)
      if c.HostConfig.Privileged then
        ctx:fail { resource = resource,
                   message = "runs privileged: all capabilities, all host devices, no seccomp or AppArmor confinement",
                   evidence = { privileged = true, status = c.State.Status } }
      else
        ctx:pass { resource = resource, message = "not privileged" }
      end
    end)
  end,
}
