-- Redis's default user needs no password unless requirepass or an ACL rule gives it one; with
-- protected mode off and a non-loopback address, anyone who reaches the port owns the data (and,
-- through CONFIG SET dir, often the host).

-- Whether `bind` lets clients beyond this host connect; `port` 0 means no TCP listener at all.
local function beyond_loopback(bind, port)
  if port == "0" then return false end
  if bind == nil or bind:match("^%s*$") then return true end
  for word in bind:gmatch("%S+") do
    local addr = word:gsub("^%-", "")
    if not assay.is_loopback(addr) then return true end
  end
  return false
end

return assay.check {
  id = "REDIS-NO-PASSWORD",
  title = "The default user needs a password",
  severity = "high",
  category = "security",
  needs = { "redis" },
  tags = { "redis", "authentication" },
  references = {
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/#authentication",
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/",
  },
  remediation = "Give the default user a password, in redis.conf:\n\n    requirepass <a long random secret>\n\n"
    .. "or with ACLs: `user default on >secret ~* &* +@all` (or switch the default user off and give "
    .. "each client its own user).",
  run = function(ctx)
    local nopass, source
    local acl, acl_err = ctx.target:acl_list()
    if acl then
      for _, u in ipairs(acl) do
        if u.user == "default" then
          nopass = u.enabled and u.nopass
          source = u.enabled and "ACL LIST" or "ACL LIST (default user off)"
        end
      end
    end
    local cfg, cfg_err = ctx.target:config_get("*")
    if nopass == nil and cfg and cfg.requirepass then
      nopass = not cfg.requirepass.set
      source = "CONFIG GET requirepass"
    end
    if nopass == nil then
      return ctx:skip { resource = "user/default",
                        message = "cannot tell whether the default user needs a password: "
                          .. (acl_err or "no default user in ACL LIST") .. "; " .. (cfg_err or "no requirepass") }
    end
    if not nopass then
      return ctx:pass { resource = "user/default", evidence = { nopass = false, source = source },
                        message = "the default user needs a password (" .. source .. ")" }
    end
    local evidence = { nopass = true, source = source }
    local exposed
    if cfg then
      evidence.bind, evidence.port, evidence.protected_mode = cfg.bind, cfg.port, cfg["protected-mode"]
      exposed = cfg["protected-mode"] == "no" and beyond_loopback(cfg.bind, cfg.port)
    else
      evidence.config = cfg_err
    end
    if exposed then
      ctx:fail { resource = "user/default", severity = "critical", evidence = evidence,
                 message = "the default user needs no password, protected-mode is off and Redis listens beyond "
                   .. "loopback (bind " .. (cfg.bind == "" and '""' or cfg.bind) .. "): anyone who reaches the port has full access" }
    else
      ctx:fail { resource = "user/default", evidence = evidence,
                 message = "the default user needs no password: every local process"
                   .. (cfg and "" or " (and maybe remote clients: CONFIG is unreadable)") .. " has full access" }
    end
  end,
}
