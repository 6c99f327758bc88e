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
    local why = {
      password = { "high", "sends the password in clear text" },
      md5 = { "medium", "accepts MD5 password hashes, which are password equivalents" },
    }
    assay.judge_hba_rules(ctx, function(r)
      local weak = why[r.auth_method or ""]
      if weak then
        return { severity = weak[1],
                 message = string.format("line %d: a %s rule with method %s %s", r.line_number, r.type, r.auth_method, weak[2]) }
      end
    end, "no password or md5 rule among the %d rules of pg_hba.conf")
  end,
}
