-- password_encryption decides how new passwords are stored: md5 hashes are replayable.

-- One server per folder: postgresql.auto.conf (ALTER SYSTEM) wins over postgresql.conf.
local function servers(docs)
  local list, by_folder = {}, {}
  for _, doc in ipairs(docs) do
    local folder = doc.path:match("^(.*/)") or ""
    local server = by_folder[folder]
    if not server then
      server = { main = folder .. "postgresql.conf", settings = {} }
      by_folder[folder] = server
      list[#list + 1] = server
    end
    local auto = doc.path:match("postgresql%.auto%.conf$") ~= nil
    for name, s in pairs(doc.data.settings or {}) do
      local current = server.settings[name]
      if auto or current == nil or not current.auto then server.settings[name] = { s = s, path = doc.path, auto = auto } end
    end
  end
  return list
end

return assay.check {
  id = "PGCONF-PASSWORD-ENCRYPTION",
  title = "PostgreSQL stores passwords as SCRAM-SHA-256",
  severity = "medium",
  category = "security",
  needs = { "files" },
  tags = { "files", "postgres" },
  description = [[
`password_encryption` is how passwords set from now on are stored. `md5` (the default before
PostgreSQL 14; `on` means md5) keeps MD5 hashes, which are enough to log in with md5
authentication and weak against offline guessing. When the file does not set it the server's
default applies, which depends on the version: the check skips (the live PG checks read it).]],
  references = {
    "https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-PASSWORD-ENCRYPTION",
    "https://www.postgresql.org/docs/current/auth-password.html",
  },
  remediation = [[
Store new passwords as SCRAM, then reset existing ones (`\password name` in psql):

    password_encryption = scram-sha-256]],
  run = function(ctx)
    local docs = ctx.target:configs("postgresql")
    if #docs == 0 then
      for _, f in ipairs(ctx.target:list()) do if f.kind == "postgresql" then return end end
      return ctx:skip { message = "no postgresql.conf in the folder" }
    end
    for _, server in ipairs(servers(docs)) do
      local setting = server.settings.password_encryption
      if setting == nil then
        ctx:skip {
          resource = server.main .. "#password_encryption",
          message = "password_encryption is not set: the server's default applies (scram-sha-256 since PostgreSQL 14, md5 before)",
        }
      else
        local value = tostring(setting.s.value):lower()
        local resource = setting.path .. "#password_encryption"
        local evidence = { file = setting.path, line = setting.s.line, password_encryption = value }
        if value == "scram-sha-256" then
          ctx:pass { resource = resource, message = "password_encryption = scram-sha-256", evidence = evidence }
        else
          ctx:fail {
            resource = resource,
            message = "password_encryption = " .. value .. (value == "on" and " (md5)" or "") .. ": new passwords are stored as MD5 hashes",
            evidence = evidence,
          }
        end
      end
    end
  end,
}
