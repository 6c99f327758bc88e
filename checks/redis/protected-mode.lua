-- Protected mode makes a Redis without a password answer only loopback clients; switched off, a
-- password-less Redis on a public address is open to the world.

local function loopback_only(bind, port)
  if port == "0" then return true end
  if bind == nil or bind:match("^%s*$") then return false end
  for word in bind:gmatch("%S+") do
    local addr = word:gsub("^%-", "")
    if not assay.is_loopback(addr) then return false end
  end
  return true
end

return assay.check {
  id = "REDIS-PROTECTED-MODE",
  title = "Protected mode is on",
  severity = "high",
  category = "security",
  needs = { "redis" },
  tags = { "redis", "network" },
  references = { "https://redis.io/docs/latest/operate/oss_and_stack/management/security/#protected-mode" },
  remediation = "Set in redis.conf:\n\n    protected-mode yes\n\nand give the default user a password.",
  run = function(ctx)
    local cfg, err = ctx.target:config_get("*")
    if not cfg then
      return ctx:skip { resource = "setting/protected-mode", message = "cannot read protected-mode: " .. err }
    end
    local mode = cfg["protected-mode"]
    if mode == nil then
      return ctx:skip { resource = "setting/protected-mode", message = "this server has no protected-mode setting" }
    end
    local evidence = { ["protected-mode"] = mode, bind = cfg.bind, port = cfg.port }
    if mode == "no" then
      local local_only = loopback_only(cfg.bind, cfg.port)
      ctx:fail { resource = "setting/protected-mode", evidence = evidence, severity = local_only and "low" or nil,
                 message = "protected-mode no: without a password Redis answers every client that reaches it"
                   .. (local_only and " (for now it listens on loopback only)" or "") }
    else
      ctx:pass { resource = "setting/protected-mode", message = "protected-mode " .. mode, evidence = evidence }
    end
  end,
}
