-- How PgBouncer authenticates its clients (pgbouncer.ini auth_type).
return assay.check {
  id = "PGB-AUTH-TYPE",
  title = "PgBouncer authenticates clients with SCRAM",
  severity = "critical",
  category = "security",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "authentication" },
  references = { "https://www.pgbouncer.org/config.html#auth_type" },
  remediation = "Set in pgbouncer.ini, with SCRAM verifiers (or md5 hashes PostgreSQL can upgrade) in auth_file, and reload:\n\n    auth_type = scram-sha-256",
  description = "trust or any: critical (no password at all); plain: high (clear-text passwords); md5: low (prefer scram-sha-256).",
  run = function(ctx)
    local auth = ctx.target:config().auth_type
    if auth == nil then
      ctx:error { message = "SHOW CONFIG has no auth_type" }
      return
    end
    local resource, evidence = "setting/auth_type", { auth_type = auth }
    local bad = {
      trust = { "critical", "clients log in as any user without a password" },
      any = { "critical", "clients log in as any user without a password or even an existing user name" },
      plain = { "high", "passwords travel in clear text and are stored in clear in auth_file" },
      md5 = { "low", "MD5 hashes are password equivalents; SCRAM is stronger" },
    }
    if bad[auth] then
      ctx:fail { resource = resource, evidence = evidence, severity = bad[auth][1],
                 message = "auth_type = " .. auth .. ": " .. bad[auth][2] }
    elseif auth == "hba" then
      ctx:skip { resource = resource, evidence = evidence,
                 message = "auth_type = hba: the methods are in auth_hba_file, which the admin console does not show" }
    else
      ctx:pass { resource = resource, evidence = evidence, message = "auth_type = " .. auth }
    end
  end,
}
