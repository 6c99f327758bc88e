-- Whoever reaches the Docker socket controls the Docker engine, and through it the host.
local function exposes_socket(source)
  if type(source) ~= "string" then return false end
  local path = (source:gsub("/+$", ""))
  return path:match("docker%.sock$") ~= nil or path:match("podman%.sock$") ~= nil
    or path == "/var/run" or path == "/run" or path == "/var/run/docker" or path == "/run/docker"
end

return assay.check {
  id = "COMPOSE-DOCKER-SOCKET",
  title = "No compose service mounts the Docker socket",
  severity = "critical",
  category = "security",
  needs = { "files" },
  tags = { "files", "compose", "docker", "cis-docker-5.32" },
  description = [[
A service that mounts `/var/run/docker.sock` (or the folder holding it) can start a privileged
container with the host's root filesystem: it is root on the host. Mounting it read-only changes
nothing, the API is still reachable (CIS Docker Benchmark 5.32).]],
  references = {
    "https://docs.docker.com/engine/security/#docker-daemon-attack-surface",
    "https://docs.docker.com/engine/security/protect-access/",
    "https://www.cisecurity.org/benchmark/docker",
  },
  remediation = [[
Remove the socket mount. If the service needs a few read-only API calls, put a filtering proxy in
front of the engine and give the service only that proxy's address:

    services:
      app:
        environment:
          DOCKER_HOST: tcp://docker-proxy:2375   # a proxy allowing only the calls it needs]],
  run = function(ctx)
    assay.each_service(ctx, function(s, doc)
      local name, resource, svc = s.name, s.resource, s.service
      local mounts = {}
      for _, v in ipairs(type(svc.volumes) == "table" and svc.volumes or {}) do
        if type(v) == "table" and exposes_socket(v.source) then mounts[#mounts + 1] = v.source .. ":" .. tostring(v.target) end
      end
      if #mounts > 0 then
        ctx:fail {
          resource = resource,
          message = name .. " mounts the Docker socket (" .. table.concat(mounts, ", ") .. "): it controls the engine and the host",
          evidence = { file = doc.path, line = doc.data.lines["services." .. name .. ".volumes"], mounts = mounts },
        }
      else
        ctx:pass { resource = resource, message = name .. " does not mount the Docker socket" }
      end
    end)
  end,
}
