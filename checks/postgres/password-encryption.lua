-- New and changed passwords are stored with password_encryption: md5 hashes are password
-- equivalents and cannot be used with scram-sha-256 authentication.
return assay.check {
  id = "PG-PASSWORD-ENCRYPTION",
  title = "New passwords are stored as SCRAM-SHA-256",
  severity = "medium",
  category = "security",
  needs = { "postgres" },
  tags = { "postgres", "authentication" },
  references = { "https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-PASSWORD-ENCRYPTION" },
  remediation = "Set in postgresql.conf and reload:\n\n    password_encryption = 'scram-sha-256'\n\nthen set each md5 password again (\\password in psql).",
  run = function(ctx)
    local s = ctx.target:settings().password_encryption
    if s == nil then
      ctx:error { message = "pg_settings has no password_encryption" }
      return
    end
    local evidence = { password_encryption = s.setting, source = s.source }
    if s.setting == "scram-sha-256" then
      ctx:pass { resource = "setting/password_encryption", evidence = evidence,
                 message = "password_encryption = scram-sha-256" }
    else
      ctx:fail { resource = "setting/password_encryption", evidence = evidence,
                 message = "password_encryption = " .. s.setting .. ": new passwords are stored as md5 hashes, which are password equivalents" }
    end
  end,
}
