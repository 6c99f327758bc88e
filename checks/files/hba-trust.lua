-- trust in pg_hba.conf: whoever matches the line logs in as any user it names, without a password.
return assay.check {
  id = "HBA-TRUST",
  title = "pg_hba.conf trusts no connection",
  severity = "critical",
  category = "security",
  needs = { "files" },
  tags = { "files", "postgres" },
  description = [[
`trust` lets a client that matches the rule connect as any user it names, with no password: on a
`host*` line anyone who reaches the port from the listed addresses is a superuser (critical); on a
`local` line every account of the machine is (medium). Use `peer` for local administration and
`scram-sha-256` over the network.]],
  references = {
    "https://www.postgresql.org/docs/current/auth-trust.html",
    "https://www.postgresql.org/docs/current/auth-pg-hba-conf.html",
  },
  remediation = [[
Replace trust with scram-sha-256 (network) or peer (local), then reload:

    # TYPE  DATABASE  USER      ADDRESS          METHOD
    local   all       postgres                   peer
    host    shop      shop      172.16.0.0/12    scram-sha-256

    SELECT pg_reload_conf();]],
  run = function(ctx)
    assay.judge_hba_files(ctx, function(r, doc)
      if r.method == "trust" then
        local is_local = r.type == "local"
        local who = is_local and "every local account" or "anyone from " .. tostring(r.address)
        local users = table.concat(r.user or {}, ",")
        return {
          severity = is_local and "medium" or "critical",
          message = "line " .. r.line .. ": " .. r.type .. " trust: " .. who .. " logs in as "
            .. (users == "all" and "any user" or users) .. " without a password",
          evidence = {
            file = doc.path, line = r.line, type = r.type, address = r.address, method = r.method,
            database = r.database, user = r.user,
          },
        }
      end
    end, "has no trust rule")
  end,
}
