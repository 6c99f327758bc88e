-- CIS Docker Benchmark 5.6: host system directories mounted read-write let a container change the
-- host (its binaries, its configuration, its devices).

local SENSITIVE = { "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr" }

local function sensitive(source)
  if source == nil then return false end
  source = source:gsub("/+$", "")
  if source == "" then return true end -- "/" itself
  for _, dir in ipairs(SENSITIVE) do
    if source == dir or source:sub(1, #dir + 1) == dir .. "/" then return true end
  end
  return false
end

return assay.check {
  id = "DOCKER-SENSITIVE-MOUNTS",
  title = "Host system directories are not mounted read-write",
  severity = "high",
  category = "security",
  needs = { "docker" },
  tags = { "docker", "cis-5.6" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.6: Ensure sensitive host system directories are not mounted on containers",
  },
  remediation = "Mount only the files the container needs, read-only: `-v /etc/ssl/certs:/etc/ssl/certs:ro` "
    .. "(compose: `- /etc/ssl/certs:/etc/ssl/certs:ro`).",
  run = function(ctx)
    assay.each_container(ctx, function(resource, c)
      local found = {}
      for _, m in ipairs(c.Mounts or {}) do
        if m.Type == "bind" and m.RW and sensitive(m.Source) then
          found[#found + 1] = m.Source .. ":" .. (m.Destination or "?")
        end
      end
      table.sort(found)
      if #found > 0 then
        ctx:fail { resource = resource,
                   message = "mounts host system directories read-write: " .. table.concat(found, ", "),
                   evidence = { mounts = found, sensitive = SENSITIVE } }
      else
        ctx:pass { resource = resource, message = "no host system directory mounted read-write" }
      end
    end)
  end,
}
