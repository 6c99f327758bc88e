-- CIS Docker Benchmark 5.32: whoever reaches the engine's socket controls the engine, and with it
-- the host (start a privileged container, mount /).

-- The engine's socket, containerd's, or the host folder that holds them.
local function exposes_engine(m)
  local source, destination = m.Source or "", m.Destination or ""
  if destination:match("/docker%.sock$") then return true end
  return m.Type == "bind" and (source:match("/docker%.sock$") ~= nil or source:match("/containerd%.sock$") ~= nil
    or source == "/var/run" or source == "/run")
end

return assay.check {
  id = "DOCKER-SOCKET-MOUNT",
  title = "The Docker socket is not mounted into containers",
  severity = "critical",
  category = "security",
  needs = { "docker" },
  tags = { "docker", "cis-5.32" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.32: Ensure that the Docker socket is not mounted inside any containers",
    "https://docs.docker.com/engine/security/#docker-daemon-attack-surface",
  },
  remediation = "Remove the `-v /var/run/docker.sock:/var/run/docker.sock` mount. A container that must read the "
    .. "engine should go through a filtering proxy that allows only the GET endpoints it needs.",
  run = function(ctx)
    assay.each_container(ctx, function(resource, c)
      local found = {}
      for _, m in ipairs(c.Mounts or {}) do
        if exposes_engine(m) then
          found[#found + 1] = (m.Source or "?") .. ":" .. (m.Destination or "?") .. (m.RW and "" or ":ro")
        end
      end
      table.sort(found)
      if #found > 0 then
        ctx:fail { resource = resource,
                   message = "mounts the engine's socket (" .. table.concat(found, ", ")
                     .. "): the container controls the Docker engine and so the host",
                   evidence = { mounts = found } }
      else
        ctx:pass { resource = resource, message = "the Docker socket is not mounted" }
      end
    end)
  end,
}
