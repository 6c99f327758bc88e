-- A host rule for 0.0.0.0/0, ::/0 or `all` accepts connections from any address: the password is
-- then the only barrier, and the port is exposed to password guessing.
return assay.check {
  id = "PG-HBA-OPEN",
  title = "pg_hba.conf does not accept every address",
  severity = "high",
  category = "security",
  needs = { "postgres" },
  tags = { "postgres", "hba", "network" },
  references = { "https://www.postgresql.org/docs/current/auth-pg-hba-conf.html",
                 "https://www.postgresql.org/docs/current/view-pg-hba-file-rules.html" },
  remediation = "Narrow the ADDRESS of the rule to the networks of the clients (for example 10.0.1.0/24), and put a `reject` rule or nothing for the rest.",
  description = "Fails for each host, hostssl, hostnossl, hostgssenc or hostnogssenc rule whose address is `all` or whose mask is 0 bits (0.0.0.0/0, ::/0), unless its method is `reject`.",
  run = function(ctx)
    assay.judge_hba_rules(ctx, function(r)
      local host = r.type ~= nil and r.type:sub(1, 4) == "host"
      local open = r.address == "all" or r.netmask == "0.0.0.0" or r.netmask == "::"
      if host and open and r.auth_method ~= nil and r.auth_method ~= "reject" then
        local where = r.address == "all" and "all" or (r.address .. " " .. r.netmask)
        return { message = string.format("line %d: a %s rule for %s accepts %s connections from any address",
                                         r.line_number, r.type, where, r.auth_method) }
      end
    end, "no rule among the %d rules of pg_hba.conf accepts every address")
  end,
}
