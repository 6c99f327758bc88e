-- depends_on in the short form waits only for the dependency's container to start.
local READY = { service_healthy = true, service_completed_successfully = true }

return assay.check {
  id = "COMPOSE-DEPENDS-HEALTHY",
  title = "Dependencies are awaited until healthy",
  severity = "low",
  category = "resilience",
  needs = { "files" },
  tags = { "files", "compose", "docker" },
  description = [[
`depends_on: [postgres]` (or `condition: service_started`) starts the dependent as soon as the
dependency's container runs, before the database accepts connections: the service crashes or
retries at every deployment. `condition: service_healthy` waits for the dependency's healthcheck.]],
  references = {
    "https://docs.docker.com/reference/compose-file/services/#depends_on",
    "https://docs.docker.com/compose/how-tos/startup-order/",
  },
  remediation = [[
Use the long form and wait for health (the dependency needs a healthcheck):

    services:
      worker:
        depends_on:
          postgres:
            condition: service_healthy
          redis:
            condition: service_healthy]],
  run = function(ctx)
    assay.each_service(ctx, function(s, doc)
      local name, resource, deps = s.name, s.resource, s.service.depends_on
      if type(deps) ~= "table" or next(deps) == nil then return false end
      local waiting = {}   -- dependencies awaited only until started
      if #deps > 0 then
        for _, dep in ipairs(deps) do waiting[#waiting + 1] = tostring(dep) end
        table.sort(waiting)
      else
        for dep, spec in assay.sorted_pairs(deps) do
          local condition = type(spec) == "table" and spec.condition or nil
          if not READY[condition] then waiting[#waiting + 1] = dep end
        end
      end
      local evidence = {
        file = doc.path,
        line = doc.data.lines["services." .. name .. ".depends_on"],
        not_awaited = waiting,
      }
      if #waiting > 0 then
        ctx:fail {
          resource = resource,
          message = name .. " waits for " .. table.concat(waiting, ", ") .. " only to start, not to be healthy",
          evidence = evidence,
        }
      else
        ctx:pass {
          resource = resource,
          message = name .. " waits for its dependencies to be healthy",
          evidence = evidence,
        }
      end
      return true
    end, "has depends_on")
  end,
}
