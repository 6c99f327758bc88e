-- How PgBouncer authenticates its clients.
local VERDICTS = {
  trust = { "critical", "no password is asked: anyone who reaches the port logs in as any user in auth_file" },
  any = { "critical", "no password is asked and the user name is ignored; the admin console accepts anyone" },
  plain = { "high", "clients send their password in clear text" },
  md5 = { "low", "MD5 password hashes can be replayed from auth_file and are weak against offline guessing" },
}
local STRONG = { ["scram-sha-256"] = true, cert = true, peer = true }

return assay.check {
  id = "PGBINI-AUTH-TYPE",
  title = "PgBouncer authenticates clients with SCRAM or certificates",
  severity = "high",
  category = "security",
  needs = { "files" },
  tags = { "files", "pgbouncer" },
  description = [[
`auth_type` in pgbouncer.ini: `trust` and `any` ask no password (critical), `plain` sends it in
clear text (high), `md5` (PgBouncer's default) relies on MD5 hashes (low: prefer `scram-sha-256`).
`scram-sha-256`, `cert` and `peer` pass; with `hba`, `pam` or `ldap` the methods live elsewhere
and are not judged here.]],
  references = {
    "https://www.pgbouncer.org/config.html#auth_type",
    "https://www.postgresql.org/docs/current/auth-password.html",
  },
  remediation = [[
Use SCRAM, with SCRAM secrets (or plain passwords) in auth_file:

    [pgbouncer]
    auth_type = scram-sha-256
    auth_file = /etc/pgbouncer/userlist.txt]],
  run = function(ctx)
    local docs = assay.documents(ctx, "pgbouncer", "pgbouncer.ini")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local written = doc.data.pgbouncer.auth_type
      local value = written and tostring(written):lower() or "md5"
      local resource = doc.path .. "#auth_type"
      local shown = "auth_type = " .. value .. (written and "" or " (not set: the default)")
      local evidence = {
        file = doc.path,
        line = doc.data.lines["pgbouncer.auth_type"],
        auth_type = value,
        default = written == nil,
      }
      local verdict = VERDICTS[value]
      if verdict then
        ctx:fail {
          resource = resource,
          severity = verdict[1],
          message = shown .. ": " .. verdict[2],
          evidence = evidence,
        }
      elseif STRONG[value] then
        ctx:pass { resource = resource, message = shown, evidence = evidence }
      elseif value == "hba" or value == "pam" or value == "ldap" then
        ctx:skip {
          resource = resource,
          message = shown .. ": the methods are configured elsewhere",
          evidence = evidence,
        }
      else
        ctx:fail {
          resource = resource,
          message = shown .. ": not a method PgBouncer knows, it will not start",
          evidence = evidence,
        }
      end
    end
  end,
}
