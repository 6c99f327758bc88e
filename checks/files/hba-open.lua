-- A pg_hba.conf rule for every address on the internet.
return assay.check {
  id = "HBA-OPEN",
  title = "pg_hba.conf admits no connection from every address",
  severity = "high",
  category = "security",
  needs = { "files" },
  tags = { "files", "postgres" },
  description = [[
A `host*` rule for `0.0.0.0/0`, `::/0` or `all` lets the whole internet try to authenticate
(password guessing, pre-authentication bugs). Name the networks clients come from. `reject`
rules are not counted.]],
  references = {
    "https://www.postgresql.org/docs/current/auth-pg-hba-conf.html",
  },
  remediation = [[
Restrict the rule to the clients' networks, and prefer hostssl:

    # TYPE   DATABASE  USER  ADDRESS        METHOD
    hostssl  shop      shop  10.0.3.0/24    scram-sha-256]],
  run = function(ctx)
    assay.judge_hba_files(ctx, function(r, doc)
      local open = r.address == "all" or (r.address_kind == "cidr" and r.prefix == 0)
      if r.type ~= "local" and r.method ~= "reject" and open then
        return {
          message = "line " .. r.line .. ": " .. r.type .. " " .. tostring(r.address) .. " (" .. r.method .. "): every address may try to log in",
          evidence = { file = doc.path, line = r.line, type = r.type, address = r.address, prefix = r.prefix, method = r.method },
        }
      end
    end, "names the networks it admits")
  end,
}
