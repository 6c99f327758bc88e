-- `password` sends the password in clear text; `md5` uses a hash that is a password equivalent
-- and weak against a stolen pg_authid or a captured exchange. scram-sha-256 has neither problem.
return assay.check {
  id = "PG-HBA-WEAK-METHOD",
  title = "pg_hba.conf uses scram-sha-256 rather than password or md5",
  severity = "high",
  category = "security",
  needs = { "postgres" },
  tags = { "postgres", "hba", "authentication" },
  references = { "https://www.postgresql.org/docs/current/auth-password.html",
                 "https://www.postgresql.org/docs/current/view-pg-hba-file-rules.html" },
  remediation = "Set password_encryption = 'scram-sha-256', reset the passwords of the roles concerned, then change the METHOD of the rule to scram-sha-256 and reload.",
  description = "`password` is high (clear-text password on the wire); `md5` is medium.",
  run = function(ctx)
    local rows, err = ctx.target:query(
      "SELECT line_number, type, database, user_name, address, netmask, auth_method, error FROM pg_catalog.pg_hba_file_rules ORDER BY line_number")
    if rows == nil then
      ctx:error { message = "pg_hba_file_rules is not readable by this login, so pg_hba.conf was not checked: " .. err,
                  remediation = "As a superuser, let the audit role read the rules:\n\n    GRANT SELECT ON pg_catalog.pg_hba_file_rules TO assay;\n    GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO assay;" }
      return
    end
    local why = {
      password = { "high", "sends the password in clear text" },
      md5 = { "medium", "accepts MD5 password hashes, which are password equivalents" },
    }
    local found = 0
    for _, r in ipairs(rows) do
      local weak = why[r.auth_method or ""]
      if weak then
        found = found + 1
        ctx:fail {
          resource = "hba/line/" .. r.line_number,
          severity = weak[1],
          message = string.format("line %d: a %s rule with method %s %s", r.line_number, r.type, r.auth_method, weak[2]),
          evidence = { line = r.line_number, type = r.type, database = r.database, user_name = r.user_name,
                       address = r.address, netmask = r.netmask, auth_method = r.auth_method },
        }
      end
    end
    if found == 0 then
      ctx:pass { message = string.format("no password or md5 rule among the %d rules of pg_hba.conf", #rows),
                 evidence = { rules = #rows } }
    end
  end,
}
