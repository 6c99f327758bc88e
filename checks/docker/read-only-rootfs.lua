-- CIS Docker Benchmark 5.13 (5.12 in older versions): a read-only root filesystem stops an intruder
-- from changing the container's binaries and keeps state in declared volumes.

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
  id = "DOCKER-READONLY-ROOTFS",
  title = "Containers run with a read-only root filesystem",
  severity = "low",
  category = "security",
  needs = { "docker" },
  tags = { "docker", "cis-5.13" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.13: Ensure that the container's root filesystem is mounted as read only",
  },
  remediation = "Run with `--read-only` (compose: `read_only: true`) and give writable paths their own "
    .. "volumes or tmpfs: `--tmpfs /tmp`.",
  run = function(ctx)
    each_container(ctx, function(resource, c)
      if c.HostConfig.ReadonlyRootfs then
        ctx:pass { resource = resource, message = "root filesystem is read-only" }
      else
        ctx:fail { resource = resource, message = "root filesystem is writable",
                   evidence = { readonly_rootfs = false } }
      end
    end)
  end,
}
