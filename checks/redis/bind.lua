-- Redis should listen only where its clients are: bind to every interface (`*`, 0.0.0.0, `::`, an
-- empty bind) or to a public address, and the firewall is the only thing left between it and the
-- internet.

local function private(addr)
  if assay.is_loopback(addr) then return true end
  if addr:match("^10%.") or addr:match("^192%.168%.") or addr:match("^169%.254%.") then return true end
  local b = tonumber(addr:match("^172%.(%d+)%."))
  if b and b >= 16 and b <= 31 then return true end
  local lower = addr:lower()
  return lower:match("^f[cd]%x%x:") ~= nil or lower:match("^fe[89ab]%x:") ~= nil
end

return assay.check {
  id = "REDIS-BIND",
  title = "Redis listens on specific, non-public addresses",
  severity = "medium",
  category = "security",
  needs = { "redis" },
  tags = { "redis", "network" },
  references = {
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/#network-security",
    "https://raw.githubusercontent.com/redis/redis/7.0/redis.conf",
  },
  remediation = "Listen on loopback and the private address clients use, in redis.conf:\n\n"
    .. "    bind 127.0.0.1 -::1 10.0.0.5",
  run = function(ctx)
    local cfg, err = ctx.target:config_get("*")
    if not cfg then return ctx:skip { resource = "setting/bind", message = "cannot read bind: " .. err } end
    local bind, port = cfg.bind or "", cfg.port
    if port == "0" then
      return ctx:pass { resource = "setting/bind", message = "port 0: no TCP listener (unix socket only)",
                        evidence = { port = port, bind = bind } }
    end
    local wide, public = {}, {}
    if bind:match("^%s*$") then wide[1] = '""' end
    for word in bind:gmatch("%S+") do
      local addr = word:gsub("^%-", "")
      if addr == "*" or addr == "::*" or addr == "0.0.0.0" or addr == "::" then
        wide[#wide + 1] = word
      elseif not private(addr) then
        public[#public + 1] = word
      end
    end
    local evidence = { bind = bind, port = port }
    if #wide > 0 then
      ctx:fail { resource = "setting/bind", evidence = evidence,
                 message = "bind " .. table.concat(wide, " ") .. ": Redis listens on every interface" }
    elseif #public > 0 then
      ctx:fail { resource = "setting/bind", evidence = evidence,
                 message = "bind includes public addresses: " .. table.concat(public, " ") }
    else
      ctx:pass { resource = "setting/bind", evidence = evidence, message = "bind " .. bind }
    end
  end,
}
