-- One network for every tier: the web-facing service reaches the database directly.

-- The networks of a service, sorted; nil when it has its own network_mode or they cannot be known.
local function networks_of(svc, declared)
  if svc.network_mode ~= nil then return nil, false end
  local list, n = {}, svc.networks
  if type(n) == "table" then
    if #n > 0 then
      for _, x in ipairs(n) do list[#list + 1] = tostring(x) end
      table.sort(list)
    else
      list = assay.sorted_keys(n)
    end
  end
  -- `networks: { backend: }` has empty values, which reach checks as an empty table.
  if #list == 0 and declared then return nil, true end
  if #list == 0 then list = { "default" } end
  return list, false
end

return assay.check {
  id = "COMPOSE-FLAT-NETWORK",
  title = "Tiers are separated into networks",
  severity = "low",
  category = "security",
  needs = { "files" },
  tags = { "files", "compose", "docker" },
  inputs = { min_services = 3 },
  description = [[
When every service sits on one network (often compose's `default`), a compromised web service can
talk to the database, the cache and the pooler directly. Put the database behind the tier that
needs it. Judged when the file has at least `min_services` services (input, default 3); services
with their own `network_mode` are left out.]],
  references = {
    "https://docs.docker.com/compose/how-tos/networking/",
    "https://docs.docker.com/reference/compose-file/networks/",
  },
  remediation = [=[
Declare one network per tier and attach each service only where it must talk:

    services:
      api:      { networks: [frontend, backend] }
      pgbouncer: { networks: [backend, data] }
      postgres: { networks: [data] }
    networks:
      frontend:
      backend:
      data:
        internal: true]=],
  run = function(ctx)
    local docs = assay.documents(ctx, "compose", "docker compose file")
    if not docs then return end
    local minimum = tonumber(ctx:input("min_services", 3)) or 3
    for _, doc in ipairs(docs) do
      local resource = #docs > 1 and doc.path .. "#networks" or "compose/networks"
      local shared, counted, unknown = nil, 0, nil
      for _, s in ipairs(assay.compose_services(doc, docs)) do
        local nets, unreadable = networks_of(s.service, doc.data.lines["services." .. s.name .. ".networks"] ~= nil)
        if unreadable then unknown = unknown or s.name end
        if nets then
          counted = counted + 1
          local key = table.concat(nets, ",")
          if shared == nil then shared = (#nets == 1) and key or false
          elseif shared ~= key then shared = false end
        end
      end
      local evidence = { file = doc.path, services = counted, min_services = minimum }
      if unknown then
        ctx:skip {
          resource = resource,
          message = "the networks of " .. unknown .. " are a map with empty values, which the files connector cannot show",
          evidence = evidence,
        }
      elseif counted < minimum then
        ctx:skip {
          resource = resource,
          message = doc.path .. " has " .. counted .. " networked services (fewer than " .. minimum .. ")",
          evidence = evidence,
        }
      elseif shared then
        evidence.network = shared
        ctx:fail {
          resource = resource,
          message = "all " .. counted .. " services share the one network " .. shared,
          evidence = evidence,
        }
      else
        ctx:pass { resource = resource, message = "services are split across networks", evidence = evidence }
      end
    end
  end,
}
