-- Redis's default user without a password: anyone who connects can read and write everything.

-- Whether any bind address reaches beyond loopback (no bind: every interface).
local function beyond_loopback(bind)
  for a in tostring(bind or "*"):gmatch("%S+") do
    local address = a:gsub("^%-", ""):lower()
    if not assay.is_loopback(address) then return true end
  end
  return false
end

return assay.check {
  id = "REDISCONF-NO-PASSWORD",
  title = "Redis requires a password",
  severity = "high",
  category = "security",
  needs = { "files" },
  tags = { "files", "redis" },
  description = [[
Without `requirepass` and without a `user default` line that turns the default user off or gives
it a password, every client is the default user with full access (`nopass`). It is critical when
Redis also listens beyond loopback with `protected-mode no`: the data, and `CONFIG SET`, belong to
anyone who reaches the port. Users kept in an `aclfile` cannot be seen here.]],
  references = {
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/#authentication",
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/",
    "https://raw.githubusercontent.com/redis/redis/7.0/redis.conf",
  },
  remediation = [[
Give the default user a long random password, or turn it off and define ACL users:

    user default off
    user app on >LONG-RANDOM-SECRET ~app:* &* +@all -@dangerous

(or `requirepass LONG-RANDOM-SECRET`, generated with `openssl rand -base64 32`).]],
  run = function(ctx)
    local docs = assay.documents(ctx, "redis", "redis.conf")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local s = doc.data.settings
      local default = (doc.data.users or {}).default
      local resource = doc.path .. "#requirepass"
      local protected = not (s["protected-mode"] and tostring(s["protected-mode"]):lower() == "no")
      local exposed = beyond_loopback(s.bind)
      local evidence = {
        file = doc.path,
        bind = s.bind or "(not set: every interface)",
        ["protected-mode"] = protected and "yes" or "no",
      }
      local open
      if default then
        -- A `user default` line resets the user first: it is open only when on and nopass.
        evidence.user_default_line = default.line
        open = default.enabled and default.nopass
      elseif s.aclfile then
        evidence.aclfile = s.aclfile
        open = nil
      else
        open = not (type(s.requirepass) == "table" and s.requirepass.set)
      end
      if open == nil then
        ctx:error {
          resource = resource,
          message = "users come from aclfile " .. tostring(s.aclfile) .. ", which this check does not read",
          evidence = evidence,
        }
      elseif open and exposed and not protected then
        ctx:fail {
          resource = resource, severity = "critical", evidence = evidence,
          message = "no password, listening beyond loopback with protected-mode no: anyone who reaches the port owns the data",
        }
      elseif open then
        ctx:fail {
          resource = resource,
          message = "no password: every client is the default user with full access",
          evidence = evidence,
        }
      else
        ctx:pass {
          resource = resource,
          message = default and "the default user is off or has a password" or "requirepass is set",
          evidence = evidence,
        }
      end
    end
  end,
}
