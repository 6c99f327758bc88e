-- pg_isready without -d asks PgBouncer about a database it may not serve: a false "unhealthy".
local POOLERS = { "pgbouncer", "pgcat", "odyssey", "supavisor" }

local function is_pooler(name, svc)
  local image = type(svc.image) == "string" and svc.image:lower() or ""
  for _, p in ipairs(POOLERS) do
    if image:find(p, 1, true) or name:lower():find(p, 1, true) then return true end
  end
  return false
end

-- The healthcheck command as one line of text.
local function command_text(test)
  if type(test) == "string" then return test end
  if type(test) ~= "table" then return "" end
  local parts = {}
  for i, part in ipairs(test) do
    if not (i == 1 and (part == "CMD" or part == "CMD-SHELL")) then parts[#parts + 1] = tostring(part) end
  end
  return table.concat(parts, " ")
end

return assay.check {
  id = "COMPOSE-POOLER-HEALTHCHECK",
  title = "The pooler's pg_isready healthcheck names a database",
  severity = "low",
  category = "availability",
  needs = { "files" },
  tags = { "files", "compose", "pgbouncer" },
  description = [[
`pg_isready` without `-d` connects to a database named after the user. PgBouncer answers only for
the databases in its `[databases]` section, so the healthcheck can read a working pooler as
unhealthy (seen in audits), and everything that waits for `service_healthy` waits forever.]],
  references = {
    "https://www.postgresql.org/docs/current/app-pg-isready.html",
    "https://www.pgbouncer.org/config.html#section-databases",
    "https://docs.docker.com/reference/compose-file/services/#healthcheck",
  },
  remediation = [=[
Name a database PgBouncer serves:

    services:
      pgbouncer:
        healthcheck:
          test: ["CMD", "pg_isready", "-h", "localhost", "-p", "6432", "-d", "app"]]=],
  run = function(ctx)
    local docs = assay.documents(ctx, "compose", "docker compose file")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local poolers = {}
      for _, s in ipairs(assay.compose_services(doc, docs)) do
        -- (a service that is not a mapping is no pooler, whatever its name)
        if type(doc.data.services[s.name]) == "table" and is_pooler(s.name, s.service) then poolers[#poolers + 1] = s end
      end
      if #poolers == 0 then ctx:skip { resource = doc.path, message = doc.path .. " has no pooler service" } end
      for _, s in ipairs(poolers) do
        local name, resource, svc = s.name, s.resource, s.service
        local command = command_text(type(svc.healthcheck) == "table" and svc.healthcheck.test or nil)
        local args = command:match("pg_isready(.*)$")
        local evidence = {
          file = doc.path,
          line = doc.data.lines["services." .. name .. ".healthcheck"],
          test = command,
        }
        if args == nil then
          ctx:skip { resource = resource, message = name .. " has no pg_isready healthcheck", evidence = evidence }
        elseif (" " .. args):find("%s%-d") or args:find("%-%-dbname") then
          ctx:pass { resource = resource, message = name .. "'s pg_isready names a database", evidence = evidence }
        else
          ctx:fail {
            resource = resource,
            message = name .. "'s healthcheck runs pg_isready without -d: the pooler may read as unhealthy while it works",
            evidence = evidence,
          }
        end
      end
    end
  end,
}
