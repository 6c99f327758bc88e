-- password and md5 in pg_hba.conf: a clear-text password, or MD5 hashes.
local WEAK = {
  password = { "high", "the password is sent in clear text" },
  md5 = { "medium", "MD5 hashes are accepted (a stolen hash logs in; prefer scram-sha-256)" },
}

return assay.check {
  id = "HBA-WEAK-METHOD",
  title = "pg_hba.conf uses scram-sha-256, not password or md5",
  severity = "high",
  category = "security",
  needs = { "files" },
  tags = { "files", "postgres" },
  description = [[
`password` sends the password in clear text (high); `md5` keeps MD5 hashes usable, and an MD5 hash
is enough to authenticate (medium). `scram-sha-256` proves the password without revealing it or
anything replayable.]],
  references = {
    "https://www.postgresql.org/docs/current/auth-password.html",
    "https://www.postgresql.org/docs/current/auth-pg-hba-conf.html",
  },
  remediation = [[
Switch to SCRAM: set password_encryption = scram-sha-256, reset each password
(`\password app` in psql), then change the rules and reload:

    host    all       all       10.0.3.0/24      scram-sha-256]],
  run = function(ctx)
    assay.judge_hba_files(ctx, function(r, doc)
      local weak = WEAK[r.method]
      if weak then
        return {
          severity = weak[1],
          message = "line " .. r.line .. ": " .. r.type .. " " .. (r.address and r.address .. " " or "") .. r.method .. ": " .. weak[2],
          evidence = { file = doc.path, line = r.line, type = r.type, address = r.address, method = r.method },
        }
      end
    end, "uses neither password nor md5")
  end,
}
