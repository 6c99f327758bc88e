-- A database or cache port published without a host IP listens on every interface of the host.
local KNOWN = {
  [5432] = "PostgreSQL", [6432] = "PgBouncer", [6379] = "Redis", [26379] = "Redis Sentinel",
  [3306] = "MySQL", [27017] = "MongoDB", [11211] = "Memcached", [9200] = "Elasticsearch",
}

-- The watched ports: a list, a number, or a text such as "5432,6379" (from --input).
local function port_list(value)
  local list = {}
  if type(value) == "table" then
    for _, p in ipairs(value) do list[#list + 1] = tonumber(p) end
  else
    for p in tostring(value):gmatch("%d+") do list[#list + 1] = tonumber(p) end
  end
  return list
end

-- The watched port a port entry serves (its container port, or range), if any.
local function watched_port(entry, watched)
  local spec = entry.target or entry.published
  local low, high
  if type(spec) == "number" then
    low, high = spec, spec
  elseif type(spec) == "string" then
    low, high = spec:match("^(%d+)%-(%d+)$")
    low, high = tonumber(low or spec), tonumber(high or spec)
  end
  if not low or not high then return nil end
  for _, p in ipairs(watched) do
    if p >= low and p <= high then return p end
  end
end

return assay.check {
  id = "COMPOSE-PUBLISHED-PORTS",
  title = "Database and cache ports are not published on all interfaces",
  severity = "high",
  category = "security",
  needs = { "files" },
  tags = { "files", "compose", "docker", "postgres", "redis", "cis-docker-5.14" },
  inputs = { ports = { 5432, 6432, 6379, 26379, 3306, 27017, 11211, 9200 } },
  description = [[
`ports: ["5432:5432"]` binds 0.0.0.0 on the host: the database answers every network that reaches
the host, and Docker's own iptables rules let it through host firewalls such as ufw. Services on
the same compose network reach each other without publishing anything; publish on 127.0.0.1 when
the host itself needs access. Input `ports`: the container ports that count as database or cache
ports.]],
  references = {
    "https://docs.docker.com/reference/compose-file/services/#ports",
    "https://docs.docker.com/engine/network/packet-filtering-firewalls/",
    "https://www.cisecurity.org/benchmark/docker",
  },
  remediation = [[
Remove the published port (other services use the compose network), or bind it to loopback:

    services:
      postgres:
        ports:
          - "127.0.0.1:5432:5432"]],
  run = function(ctx)
    local docs = assay.documents(ctx, "compose", "docker compose file")
    if not docs then return end
    local watched = port_list(ctx:input("ports", { 5432, 6432, 6379, 26379, 3306, 27017, 11211, 9200 }))
    for _, doc in ipairs(docs) do
      local publishing = 0
      for _, s in ipairs(assay.compose_services(doc, docs)) do
        local name, resource, ports = s.name, s.resource, s.service.ports
        if type(ports) == "table" and #ports > 0 then
          publishing = publishing + 1
          local exposed = {}
          for _, entry in ipairs(ports) do
            local port = type(entry) == "table" and entry.all_interfaces and watched_port(entry, watched)
            if port then
              local shown = entry.original or ((entry.published and tostring(entry.published) .. ":" or "") .. tostring(entry.target))
              exposed[#exposed + 1] = shown .. (KNOWN[port] and " (" .. KNOWN[port] .. ")" or "")
            end
          end
          local evidence = {
            file = doc.path,
            line = doc.data.lines["services." .. name .. ".ports"],
            watched_ports = watched,
          }
          if #exposed > 0 then
            evidence.exposed = exposed
            ctx:fail {
              resource = resource,
              message = name .. " publishes " .. table.concat(exposed, ", ") .. " on all interfaces",
              evidence = evidence,
            }
          else
            ctx:pass {
              resource = resource,
              message = name .. " publishes no database or cache port on all interfaces",
              evidence = evidence,
            }
          end
        end
      end
      if publishing == 0 then
        ctx:pass { resource = doc.path, message = "no service of " .. doc.path .. " publishes a port" }
      end
    end
  end,
}
