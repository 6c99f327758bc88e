-- PgBouncer's auth file should hold password hashes, not passwords.
return assay.check {
  id = "USERLIST-PLAINTEXT",
  title = "userlist.txt holds only MD5 or SCRAM secrets",
  severity = "high",
  category = "secrets",
  needs = { "files" },
  tags = { "files", "pgbouncer", "secrets" },
  description = [[
PgBouncer's auth file accepts plain-text passwords next to `md5…` hashes and `SCRAM-SHA-256$…`
secrets. A plain-text (or empty) entry is a password readable by whoever reads the file, its
backups and the image it is baked into. The check sees only the form of each entry.]],
  references = {
    "https://www.pgbouncer.org/config.html#authentication-file-format",
    "https://www.pgbouncer.org/config.html#auth_file",
  },
  remediation = [[
Replace the password with its SCRAM secret, as PostgreSQL stores it:

    SELECT rolname, rolpassword FROM pg_authid WHERE rolname = 'pgbouncer_admin';

    "pgbouncer_admin" "SCRAM-SHA-256$4096:…"

(set password_encryption = scram-sha-256 and reset the password first if it is stored as md5).]],
  run = function(ctx)
    local docs = assay.documents(ctx, "userlist", "userlist.txt")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local users = doc.data.users or {}
      if #users == 0 then ctx:skip { resource = doc.path, message = doc.path .. " lists no user" } end
      for _, u in ipairs(users) do
        local form = type(u.password) == "table" and u.password.form or "plain"
        local resource = doc.path .. "#" .. u.user
        local evidence = { file = doc.path, line = u.line, form = form }
        if form == "md5" or form == "scram-sha-256" then
          ctx:pass {
            resource = resource,
            message = u.user .. (form == "md5" and " has an MD5 hash" or " has a SCRAM secret"),
            evidence = evidence,
          }
        else
          ctx:fail {
            resource = resource,
            message = u.user .. (form == "empty" and " has an empty password" or " has a plain-text password") .. " in " .. doc.path,
            evidence = evidence,
          }
        end
      end
    end
  end,
}
