-- FLUSHALL and FLUSHDB erase the data, CONFIG SET rewrites the server (the classic takeover writes
-- an SSH key or a cron file through `dir` and `dbfilename`), DEBUG can crash it. The user every
-- client gets by default should not have them.

-- The commands, their ACL categories (Redis 7 COMMAND INFO) and the ACL rule names that grant them.
local COMMANDS = {
  { name = "FLUSHALL", rules = { "flushall" }, categories = { "keyspace", "write", "slow", "dangerous" } },
  { name = "FLUSHDB", rules = { "flushdb" }, categories = { "keyspace", "write", "slow", "dangerous" } },
  { name = "CONFIG SET", command = "config", rules = { "config", "config|set" }, categories = { "admin", "slow", "dangerous" } },
  { name = "DEBUG", rules = { "debug" }, categories = { "admin", "slow", "dangerous" } },
}

-- Whether the ACL rules (as ACL LIST prints them, applied left to right) grant the command.
local function granted(rules, cmd)
  local allowed = false
  for word in rules:gmatch("%S+") do
    local sign, rest = word:sub(1, 1), word:sub(2)
    if word == "allcommands" then allowed = true
    elseif word == "nocommands" then allowed = false
    elseif sign == "+" or sign == "-" then
      local hit = rest == "@all"
      for _, cat in ipairs(cmd.categories) do hit = hit or rest == "@" .. cat end
      for _, name in ipairs(cmd.rules) do hit = hit or rest == name end
      if hit then allowed = sign == "+" end
    end
  end
  return allowed
end

return assay.check {
  id = "REDIS-DANGEROUS-COMMANDS",
  title = "The default user cannot run FLUSHALL, CONFIG SET or DEBUG",
  severity = "medium",
  category = "security",
  needs = { "redis" },
  tags = { "redis", "acl" },
  references = {
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/#command-categories",
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/#disallowing-specific-commands",
    "https://raw.githubusercontent.com/redis/redis/7.0/redis.conf",
  },
  remediation = "Take the commands away from the default user, in redis.conf (or an ACL file):\n\n"
    .. "    user default on >secret ~* &* +@all -flushall -flushdb -config -debug\n    enable-debug-command no\n\n"
    .. "and give administration its own user.",
  run = function(ctx)
    local acl, err = ctx.target:acl_list()
    if not acl then
      return ctx:skip { resource = "user/default", message = "cannot read the default user's rules: " .. err }
    end
    local default
    for _, u in ipairs(acl) do if u.user == "default" then default = u end end
    if default == nil or not default.enabled then
      return ctx:pass { resource = "user/default", message = "the default user is " .. (default and "off" or "absent") }
    end
    -- A renamed or removed command has no COMMAND INFO entry under its own name.
    local names = {}
    for i, cmd in ipairs(COMMANDS) do names[i] = (cmd.command or cmd.name):lower() end
    local info = ctx.target:command("COMMAND", "INFO", table.unpack(names))
    local cfg = ctx.target:config_get("*")
    local usable, unknown, evidence = {}, {}, { rules = default.rules }
    for i, cmd in ipairs(COMMANDS) do
      local state
      if not granted(default.rules, cmd) then
        state = "denied by ACL"
      elseif info and info[i] == nil then
        state = "renamed or removed"
      elseif cmd.name == "DEBUG" then
        local mode = cfg and cfg["enable-debug-command"]
        if mode == nil then state = "unknown (cannot read enable-debug-command)"
        elseif mode == "no" then state = "disabled (enable-debug-command no)"
        else state = "allowed (enable-debug-command " .. mode .. ")" end
      else
        state = "allowed"
      end
      evidence[cmd.name] = state
      if state:sub(1, 7) == "allowed" then usable[#usable + 1] = cmd.name end
      if state:sub(1, 7) == "unknown" then unknown[#unknown + 1] = cmd.name end
    end
    if #usable > 0 then
      ctx:fail { resource = "user/default", evidence = evidence,
                 message = "the default user can run " .. table.concat(usable, ", ") }
    elseif #unknown > 0 then
      ctx:skip { resource = "user/default", evidence = evidence,
                 message = "cannot tell whether the default user can run " .. table.concat(unknown, ", ") }
    else
      ctx:pass { resource = "user/default", evidence = evidence,
                 message = "the default user cannot run FLUSHALL, FLUSHDB, CONFIG SET or DEBUG" }
    end
  end,
}
