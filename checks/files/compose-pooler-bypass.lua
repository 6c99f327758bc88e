-- With a pooler in the stack, an application that connects to PostgreSQL directly escapes its limits.
local POOLERS = { "pgbouncer", "pgcat", "odyssey", "supavisor", "pgpool" }

-- "ghcr.io/acme/postgres:15.6@sha256:…" → "postgres"
local function repository(image)
  if type(image) ~= "string" then return "" end
  local last = (image:gsub("@.*$", "")):match("([^/]*)$")
  return (last:gsub(":.*$", "")):lower()
end

local function is_pooler(name, svc)
  local repo, lname = repository(svc.image), name:lower()
  for _, p in ipairs(POOLERS) do
    if repo:find(p, 1, true) or lname:find(p, 1, true) then return true end
  end
  return false
end

local function is_postgres(name, svc)
  local repo = svc.image and repository(svc.image) or name:lower()
  if repo:find("exporter", 1, true) then return false end
  return repo:match("^postgres") ~= nil or repo:match("^postgis") ~= nil or repo:match("^timescaledb") ~= nil
end

-- Host names a service can be reached by.
local function host_names(name, svc, into, role)
  into[name:lower()] = role
  if type(svc.container_name) == "string" then into[svc.container_name:lower()] = role end
  if type(svc.hostname) == "string" then into[svc.hostname:lower()] = role end
end

-- Host names an environment variable points at: DSN hosts, libpq host=, or a *HOST* variable.
local function hosts_in(key, value)
  local found, text = {}, value:lower()
  local authority = text:match("postgres[%w+]*://([^/?#]*)")
  if authority then
    for h in (authority:match("@([^@]*)$") or authority):gmatch("[^,]+") do found[#found + 1] = h:match("^%[?([^%]:]+)") end
  end
  for h in text:gmatch("host=([^%s]+)") do found[#found + 1] = h end
  if key:upper():find("HOST", 1, true) then
    for h in text:gmatch("[^,%s]+") do found[#found + 1] = h end
  end
  return found
end

return assay.check {
  id = "COMPOSE-POOLER-BYPASS",
  title = "Applications reach PostgreSQL through the pooler",
  severity = "medium",
  category = "pool-efficiency",
  needs = { "files" },
  tags = { "files", "compose", "pgbouncer", "postgres" },
  inputs = { direct = {} },
  description = [[
When the stack runs PgBouncer (or another pooler), a service whose DSN or DB_HOST names the
PostgreSQL service directly (in its compose environment, or in the .env beside the compose
file that applications read) opens its own server connections: they escape the pool's limits,
count against max_connections, and are the first to fail when the database fills up. Input
`direct`: services allowed to connect directly (migrations, backups), as a list or
"a,b".]],
  references = {
    "https://www.pgbouncer.org/usage.html",
    "https://www.pgbouncer.org/config.html#max_db_connections",
    "https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-MAX-CONNECTIONS",
  },
  remediation = [[
Point the service at the pooler, not at the database:

    services:
      worker:
        environment:
          DB_HOST: pgbouncer
          DB_PORT: "6432"]],
  run = function(ctx)
    local docs = assay.documents(ctx, "compose", "docker compose file")
    if not docs then return end
    local allowed = {}
    local direct = ctx:input("direct", {})
    for _, n in ipairs(type(direct) == "table" and direct or {}) do allowed[tostring(n)] = true end
    if type(direct) == "string" then for n in direct:gmatch("[^,%s]+") do allowed[n] = true end end

    for _, doc in ipairs(docs) do
      local services, hosts, poolers, databases = {}, {}, {}, {}
      for _, s in ipairs(assay.compose_services(doc, docs)) do
        if type(doc.data.services[s.name]) == "table" then   -- (a service that is not a mapping is left out)
          services[#services + 1] = s
          if is_pooler(s.name, s.service) then
            host_names(s.name, s.service, hosts, "pooler")
            poolers[#poolers + 1] = s.name
          elseif is_postgres(s.name, s.service) then
            host_names(s.name, s.service, hosts, "postgres")
            databases[#databases + 1] = s.name
          end
        end
      end
      if #poolers == 0 or #databases == 0 then
        ctx:skip {
          resource = doc.path,
          message = doc.path .. " has no " .. (#poolers == 0 and "pooler" or "PostgreSQL") .. " service",
        }
      else
        local reported = false
        for _, s in ipairs(services) do
          local name, resource, svc = s.name, s.resource, s.service
          if hosts[name:lower()] == nil and type(svc.environment) == "table" then
            local direct_refs, pooled = {}, false
            for key, value in assay.sorted_pairs(svc.environment) do
              for _, h in ipairs(type(value) == "string" and hosts_in(key, value) or {}) do
                if hosts[h] == "postgres" then direct_refs[#direct_refs + 1] = key .. " → " .. h end
                if hosts[h] == "pooler" then pooled = true end
              end
            end
            local evidence = {
              file = doc.path,
              line = doc.data.lines["services." .. name .. ".environment"],
              poolers = poolers,
            }
            if #direct_refs > 0 and allowed[name] then
              reported = true
              evidence.direct = direct_refs
              ctx:pass {
                resource = resource,
                message = name .. " connects to PostgreSQL directly, as the input direct allows",
                evidence = evidence,
              }
            elseif #direct_refs > 0 then
              reported = true
              evidence.direct = direct_refs
              ctx:fail {
                resource = resource,
                message = name .. " connects to PostgreSQL directly (" .. table.concat(direct_refs, ", ") .. ") while "
                  .. table.concat(poolers, ", ") .. " pools connections",
                evidence = evidence,
              }
            elseif pooled then
              reported = true
              ctx:pass {
                resource = resource,
                message = name .. " connects through " .. table.concat(poolers, ", "),
                evidence = evidence,
              }
            end
          end
        end
        -- The .env beside the compose file: DATABASE_URL, DB_HOST and the like that applications
        -- read (env_file, or their own dotenv loading) reach the database the same way.
        local folder = doc.path:match("^(.*/)") or ""
        for _, env in ipairs(ctx.target:configs("dotenv")) do
          if env.data and (env.path:match("^(.*/)") or "") == folder then
            for key, value in assay.sorted_pairs(env.data.variables) do
              local direct_refs, pooled = {}, false
              for _, h in ipairs(type(value) == "string" and hosts_in(key, value) or {}) do
                if hosts[h] == "postgres" then direct_refs[#direct_refs + 1] = key .. " → " .. h end
                if hosts[h] == "pooler" then pooled = true end
              end
              local resource = env.path .. "#" .. key
              local evidence = { file = env.path, line = env.data.lines[key], poolers = poolers, direct = direct_refs }
              if #direct_refs > 0 then
                reported = true
                ctx:fail {
                  resource = resource,
                  message = env.path .. " sends " .. key .. " to PostgreSQL directly (" .. table.concat(direct_refs, ", ")
                    .. ") while " .. table.concat(poolers, ", ") .. " pools connections",
                  evidence = evidence,
                }
              elseif pooled then
                reported = true
                ctx:pass { resource = resource, message = key .. " in " .. env.path .. " goes through " .. table.concat(poolers, ", "),
                           evidence = evidence }
              end
            end
          end
        end
        if not reported then
          ctx:skip {
            resource = doc.path,
            message = "no service of " .. doc.path .. " names a database host in its environment",
          }
        end
      end
    end
  end,
}
