-- password_encryption decides how new passwords are stored: md5 hashes are replayable.

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
    local docs = assay.documents(ctx, "postgresql", "postgresql.conf")
    if not docs then return end
    -- One server per folder: postgresql.auto.conf (ALTER SYSTEM) wins over postgresql.conf.
    for _, server in ipairs(assay.postgresql_servers(docs)) do
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
