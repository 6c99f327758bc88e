-- Sharing a host namespace removes one layer of isolation between the container and the host.
local NAMESPACES = { "network_mode", "pid", "ipc", "uts", "userns_mode" }

return assay.check {
  id = "COMPOSE-HOST-NAMESPACES",
  title = "No compose service shares the host's namespaces",
  severity = "high",
  category = "security",
  needs = { "files" },
  tags = { "files", "compose", "docker", "cis-docker-5.10", "cis-docker-5.16", "cis-docker-5.17", "cis-docker-5.21" },
  description = [[
`network_mode: host` puts the container on the host's interfaces (every port it opens is public,
and it reaches services bound to 127.0.0.1); `pid: host` lets it see and signal host processes;
`ipc: host` shares the host's shared memory; `uts: host` and `userns_mode: host` share the host
name and user namespace (CIS Docker Benchmark 5.10, 5.16, 5.17, 5.21, 5.31).]],
  references = {
    "https://docs.docker.com/reference/compose-file/services/#network_mode",
    "https://docs.docker.com/reference/compose-file/services/#pid",
    "https://docs.docker.com/reference/compose-file/services/#ipc",
    "https://www.cisecurity.org/benchmark/docker",
  },
  remediation = [[
Remove the host namespaces and publish only the ports the service needs:

    services:
      app:
        # network_mode: host   (removed)
        # pid: host            (removed)
        ports:
          - "127.0.0.1:8000:8000"]],
  run = function(ctx)
    assay.each_service(ctx, function(s, doc)
      local name, resource, svc = s.name, s.resource, s.service
      local shared, lines = {}, {}
      for _, key in ipairs(NAMESPACES) do
        if svc[key] == "host" then
          shared[#shared + 1] = key .. ": host"
          lines[key] = doc.data.lines["services." .. name .. "." .. key]
        end
      end
      if #shared > 0 then
        ctx:fail {
          resource = resource,
          message = name .. " shares the host's namespaces (" .. table.concat(shared, ", ") .. ")",
          evidence = { file = doc.path, lines = lines, shared = shared },
        }
      else
        ctx:pass { resource = resource, message = name .. " uses its own namespaces" }
      end
    end)
  end,
}
