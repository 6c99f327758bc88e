-- bind *, 0.0.0.0, :: or a public address: Redis listens where anyone may reach it.

-- "all", "loopback", "private" or "public" for one bind address (a leading - marks it optional).
local function scope(address)
  local a = address:gsub("^%-", ""):lower()
  if a == "*" or a == "0.0.0.0" or a == "::" or a == "::*" or a == "::0" then return "all" end
  if assay.is_loopback(a) then return "loopback" end
  local second = tonumber(a:match("^172%.(%d+)%.") or "")
  if a:match("^10%.") or a:match("^192%.168%.") or (second and second >= 16 and second <= 31)
    or a:match("^169%.254%.") or a:match("^f[cd]%x%x:") or a:match("^fe80:") then
    return "private"
  end
  return "public"
end

return assay.check {
  id = "REDISCONF-BIND",
  title = "Redis listens only on loopback or private addresses",
  severity = "medium",
  category = "security",
  needs = { "files" },
  tags = { "files", "redis" },
  description = [[
Without a `bind` directive Redis listens on every interface (`bind * -::*`); `bind 0.0.0.0`,
`*`, `::` or a public address do the same or worse. Redis is meant for trusted networks: bind it
to loopback or to the private address its clients use.]],
  references = {
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/#network-security",
    "https://raw.githubusercontent.com/redis/redis/7.0/redis.conf",
  },
  remediation = [[
Bind to loopback, or to the private address of the interface clients use:

    bind 127.0.0.1 -::1
    # or, in a container network: bind 10.0.3.7]],
  run = function(ctx)
    local docs = assay.documents(ctx, "redis", "redis.conf")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local written = doc.data.settings.bind
      local addresses, exposed = {}, {}
      for a in tostring(written or "* -::*"):gmatch("%S+") do
        addresses[#addresses + 1] = a
        local s = scope(a)
        if s == "all" or s == "public" then exposed[#exposed + 1] = a end
      end
      local evidence = { file = doc.path, bind = table.concat(addresses, " "), default = written == nil }
      for _, d in ipairs(doc.data.directives or {}) do
        if d.name == "bind" then evidence.line = d.line end
      end
      local resource = doc.path .. "#bind"
      if #exposed > 0 then
        ctx:fail {
          resource = resource,
          message = (written == nil and "no bind directive" or "bind " .. evidence.bind) .. ": Redis listens on "
            .. table.concat(exposed, ", ") .. " (every interface or a public address)",
          evidence = evidence,
        }
      else
        ctx:pass { resource = resource, message = "bind " .. evidence.bind, evidence = evidence }
      end
    end
  end,
}
