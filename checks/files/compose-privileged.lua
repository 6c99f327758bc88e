-- A privileged container holds every capability and device of the host.
return assay.check {
  id = "COMPOSE-PRIVILEGED",
  title = "No compose service runs privileged",
  severity = "critical",
  category = "security",
  needs = { "files" },
  tags = { "files", "compose", "docker", "cis-docker-5.5" },
  description = [[
`privileged: true` gives a container every Linux capability, every host device and no seccomp
or AppArmor confinement: whoever runs code in it is root on the host (CIS Docker Benchmark 5.5).]],
  references = {
    "https://docs.docker.com/reference/compose-file/services/#privileged",
    "https://www.cisecurity.org/benchmark/docker",
    "https://github.com/docker/docker-bench-security",
  },
  remediation = [=[
Remove `privileged: true` and add only the capabilities the service needs:

    services:
      app:
        cap_drop: [ALL]
        cap_add: [NET_BIND_SERVICE]]=],
  run = function(ctx)
    local docs = ctx.target:configs("compose")
    if #docs == 0 then
      -- A compose file that could not be parsed is already an error finding.
      for _, f in ipairs(ctx.target:list()) do if f.kind == "compose" then return end end
      return ctx:skip { message = "no docker compose file in the folder" }
    end
    for _, doc in ipairs(docs) do
      local services = type(doc.data.services) == "table" and doc.data.services or {}
      local names = {}
      for name in pairs(services) do names[#names + 1] = name end
      table.sort(names)
      if #names == 0 then ctx:skip { resource = doc.path, message = doc.path .. " defines no service" } end
      for _, name in ipairs(names) do
        local svc = services[name]
        local resource = (#docs > 1 and doc.path .. "#services." or "compose/services.") .. name
        if type(svc) == "table" and (svc.privileged == true or svc.privileged == "true") then
          ctx:fail {
            resource = resource,
            message = name .. " runs privileged: every capability and device of the host, no seccomp or AppArmor",
            evidence = { file = doc.path, line = doc.data.lines["services." .. name .. ".privileged"], privileged = true },
          }
        else
          ctx:pass { resource = resource, message = name .. " is not privileged" }
        end
      end
    end
  end,
}
