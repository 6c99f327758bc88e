-- A service without a memory limit can take the host's memory and starve every other service.
local function limit(value)
  if value == nil or value == 0 or value == "0" or value == "" then return nil end
  return tostring(value)
end

return assay.check {
  id = "COMPOSE-RESOURCE-LIMITS",
  title = "Every compose service has a memory limit",
  severity = "medium",
  category = "capacity",
  needs = { "files" },
  tags = { "files", "compose", "docker", "cis-docker-5.11", "cis-docker-5.12" },
  description = [[
Without `deploy.resources.limits.memory` (or `mem_limit`) a leaking or overloaded service grows
until the kernel's OOM killer picks a victim, often the database next to it (CIS Docker
Benchmark 5.11; CPU limits, 5.12, are shown in the evidence).]],
  references = {
    "https://docs.docker.com/reference/compose-file/deploy/#resources",
    "https://docs.docker.com/reference/compose-file/services/#mem_limit",
    "https://docs.docker.com/engine/containers/resource_constraints/",
    "https://www.cisecurity.org/benchmark/docker",
  },
  remediation = [[
Give the service limits sized from its observed peak:

    services:
      worker:
        deploy:
          resources:
            limits:
              cpus: "1.0"
              memory: 512M]],
  run = function(ctx)
    assay.each_service(ctx, function(s, doc)
      local name, resource, svc = s.name, s.resource, s.service
      local deploy = type(svc.deploy) == "table" and svc.deploy or {}
      local resources = type(deploy.resources) == "table" and deploy.resources or {}
      local limits = type(resources.limits) == "table" and resources.limits or {}
      local memory = limit(limits.memory) or limit(svc.mem_limit)
      local cpus = limit(limits.cpus) or limit(svc.cpus)
      local evidence = { file = doc.path, line = doc.data.lines["services." .. name], memory = memory, cpus = cpus }
      if memory == nil then
        ctx:fail {
          resource = resource,
          message = name .. (cpus and " has no memory limit (deploy.resources.limits.memory or mem_limit)"
            or " has no memory or CPU limit (deploy.resources.limits, mem_limit, cpus)") .. ": it can take the host's memory",
          evidence = evidence,
        }
      else
        ctx:pass {
          resource = resource,
          message = name .. " is limited to " .. memory .. (cpus and ", " .. cpus .. " CPUs" or ""),
          evidence = evidence,
        }
      end
    end)
  end,
}
