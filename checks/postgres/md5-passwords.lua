-- Roles whose stored password is still an md5 hash (set before password_encryption changed).
-- Reads pg_authid, which only superusers (or roles granted SELECT on it) can read; only the
-- role names are read, never the hashes.
return assay.check {
  id = "PG-MD5-PASSWORDS",
  title = "No role has an md5 password hash",
  severity = "medium",
  category = "security",
  needs = { "postgres" },
  tags = { "postgres", "authentication" },
  references = { "https://www.postgresql.org/docs/current/auth-password.html" },
  remediation = "With password_encryption = 'scram-sha-256', set the role's password again (`\\password NAME` in psql, or ALTER ROLE ... PASSWORD).",
  run = function(ctx)
    local rows, err = ctx.target:query(
      "SELECT rolname, rolcanlogin FROM pg_catalog.pg_authid WHERE rolpassword LIKE 'md5%' ORDER BY rolname")
    if rows == nil then
      ctx:skip { message = "pg_authid is not readable by this login (superuser only), so stored password hashes were not checked: " .. err }
      return
    end
    for _, r in ipairs(rows) do
      ctx:fail { resource = "user/" .. r.rolname, evidence = { role = r.rolname, can_login = r.rolcanlogin },
                 message = "role " .. r.rolname .. " has an md5 password hash: it works as the password itself and blocks scram-sha-256 authentication" }
    end
    if #rows == 0 then
      ctx:pass { message = "no role has an md5 password hash" }
    end
  end,
}
