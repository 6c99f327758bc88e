-- FLUSHALL, CONFIG, DEBUG … in the hands of every client of the default user.

-- ACL categories of the commands this check knows (Redis 7 COMMAND INFO).
local CATEGORIES = {
  flushall = { keyspace = true, write = true, slow = true, dangerous = true },
  flushdb = { keyspace = true, write = true, slow = true, dangerous = true },
  config = { admin = true, slow = true, dangerous = true },
  debug = { admin = true, slow = true, dangerous = true },
  shutdown = { admin = true, slow = true, dangerous = true },
  keys = { keyspace = true, read = true, slow = true, dangerous = true },
  module = { admin = true, slow = true, dangerous = true },
}
-- Commands Redis 7 refuses unless a setting allows them.
local GATES = { debug = "enable-debug-command", module = "enable-module-command" }

-- Whether the default user's rules let it run `command`. Without a `user default` line the
-- default user has +@all; a `user default` line starts from reset (-@all).
local function acl_allows(default, command)
  if default == nil then return true end
  if not default.enabled then return false end
  local allowed = false
  for _, rule in ipairs(default.rules or {}) do
    local r = tostring(rule):lower()
    local sign, what = r:sub(1, 1), r:sub(2)
    if r == "allcommands" then allowed = true
    elseif r == "nocommands" then allowed = false
    elseif sign == "+" or sign == "-" then
      local on = sign == "+"
      if what == "@all" then allowed = on
      elseif what:sub(1, 1) == "@" then
        if (CATEGORIES[command] or {})[what:sub(2)] then allowed = on end
      elseif what == command then allowed = on
      elseif on and what:sub(1, #command + 1) == command .. "|" then allowed = true   -- a subcommand: partly usable
      end
    end
  end
  return allowed
end

local function command_list(value)
  local list = {}
  if type(value) == "table" then
    for _, c in ipairs(value) do list[#list + 1] = tostring(c):lower() end
  else
    for c in tostring(value):gmatch("[^,%s]+") do list[#list + 1] = c:lower() end
  end
  return list
end

return assay.check {
  id = "REDISCONF-DANGEROUS-COMMANDS",
  title = "Dangerous Redis commands are denied to the default user",
  severity = "medium",
  category = "security",
  needs = { "files" },
  tags = { "files", "redis" },
  inputs = { commands = { "FLUSHALL", "FLUSHDB", "CONFIG", "DEBUG" } },
  description = [[
`FLUSHALL`/`FLUSHDB` erase the data in one call, `CONFIG SET` rewrites the server (the classic
path from an open Redis to a shell on the host), `DEBUG` can crash it. A command is usable when it
is neither renamed nor disabled with `rename-command`, the default user's ACL allows it, and (for
DEBUG) `enable-debug-command` is yes. Input `commands`: the commands to look at.]],
  references = {
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/",
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/#disallowing-specific-commands",
    "https://raw.githubusercontent.com/redis/redis/7.0/redis.conf",
  },
  remediation = [[
Deny them in the default user's ACL (preferred), or disable them:

    user default on >LONG-RANDOM-SECRET ~* &* +@all -@dangerous
    # or
    rename-command FLUSHALL ""
    rename-command CONFIG ""]],
  run = function(ctx)
    local docs = assay.documents(ctx, "redis", "redis.conf")
    if not docs then return end
    local commands = command_list(ctx:input("commands", { "FLUSHALL", "FLUSHDB", "CONFIG", "DEBUG" }))
    for _, doc in ipairs(docs) do
      local s = doc.data.settings
      local default = (doc.data.users or {}).default
      local renamed = doc.data.renamed_commands or {}
      local usable = {}
      for _, command in ipairs(commands) do
        local gate = GATES[command]
        local gated = gate ~= nil and tostring(s[gate] or "no"):lower() ~= "yes"
        if renamed[command] == nil and not gated and acl_allows(default, command) then usable[#usable + 1] = command:upper() end
      end
      local resource = doc.path .. "#rename-command"
      local evidence = {
        file = doc.path,
        checked = commands,
        usable = usable,
        user_default_line = default and default.line,
      }
      if default == nil and s.aclfile then
        evidence.aclfile = s.aclfile
        ctx:error {
          resource = resource,
          message = "users come from aclfile " .. tostring(s.aclfile) .. ", which this check does not read",
          evidence = evidence,
        }
      elseif #usable > 0 then
        ctx:fail {
          resource = resource,
          message = table.concat(usable, ", ") .. " usable by the default user: not renamed, not disabled, not denied by its ACL",
          evidence = evidence,
        }
      else
        ctx:pass {
          resource = resource,
          message = "none of " .. table.concat(commands, ", "):upper() .. " is usable by the default user",
          evidence = evidence,
        }
      end
    end
  end,
}
