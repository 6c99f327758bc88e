-- Dependents can only wait for a dependency to be healthy if it has a healthcheck.
local function has_healthcheck(svc)
  local hc = svc.healthcheck
  if type(hc) ~= "table" or hc.disable == true then return false end
  local test = hc.test
  if test == nil or test == "NONE" or (type(test) == "table" and test[1] == "NONE") then return false end
  return true
end

local function dependency_names(svc)
  local names, deps = {}, svc.depends_on
  if type(deps) ~= "table" then return names end
  if #deps > 0 then
    for _, n in ipairs(deps) do names[#names + 1] = tostring(n) end
  else
    for n in pairs(deps) do names[#names + 1] = n end
  end
  return names
end

return assay.check {
  id = "COMPOSE-HEALTHCHECK",
  title = "Services others depend on have a healthcheck",
  severity = "medium",
  category = "availability",
  needs = { "files" },
  tags = { "files", "compose", "docker", "cis-docker-5.27" },
  description = [[
A service named in another's `depends_on` needs a `healthcheck`: without one, compose can only
wait for its container to start, dependents start against a database that is not accepting
connections yet, and a hung dependency is never noticed (CIS Docker Benchmark 4.6/5.27). A
HEALTHCHECK built into the image is not visible in the compose file.]],
  references = {
    "https://docs.docker.com/reference/compose-file/services/#healthcheck",
    "https://docs.docker.com/compose/how-tos/startup-order/",
    "https://www.cisecurity.org/benchmark/docker",
  },
  remediation = [=[
Give the dependency a healthcheck that proves it serves requests, for example:

    services:
      postgres:
        healthcheck:
          test: ["CMD-SHELL", "pg_isready -U app -d app"]
          interval: 10s
          timeout: 3s
          retries: 5
      redis:
        healthcheck:
          test: ["CMD", "redis-cli", "ping"]]=],
  run = function(ctx)
    local docs = assay.documents(ctx, "compose", "docker compose file")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local services = assay.compose_services(doc, docs)
      local dependents = {}   -- dependency name → names of the services depending on it (sorted)
      for _, s in ipairs(services) do
        for _, dep in ipairs(dependency_names(s.service)) do
          dependents[dep] = dependents[dep] or {}
          table.insert(dependents[dep], s.name)
        end
      end
      local reported = false
      for _, s in ipairs(services) do
        local name, resource, svc = s.name, s.resource, s.service
        local users = dependents[name]
        if users then
          reported = true
          local evidence = { file = doc.path, line = doc.data.lines["services." .. name], dependents = users }
          if has_healthcheck(svc) then
            ctx:pass { resource = resource, message = name .. " has a healthcheck", evidence = evidence }
          else
            ctx:fail {
              resource = resource,
              message = name .. " has no healthcheck but " .. table.concat(users, ", ")
                .. (#users == 1 and " depends on it: it" or " depend on it: they") .. " can only wait for it to start",
              evidence = evidence,
            }
          end
        end
      end
      if not reported then
        ctx:skip { resource = doc.path, message = "no service of " .. doc.path .. " is another's dependency" }
      end
    end
  end,
}
