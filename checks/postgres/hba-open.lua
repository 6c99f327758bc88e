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
    local rows, err = ctx.target:query(
      "SELECT line_number, type, database, user_name, address, netmask, auth_method, error FROM pg_catalog.pg_hba_file_rules ORDER BY line_number")
    if rows == nil then
      ctx:error { message = "pg_hba_file_rules is not readable by this login, so pg_hba.conf was not checked: " .. err,
                  remediation = "As a superuser, let the audit role read the rules:\n\n    GRANT SELECT ON pg_catalog.pg_hba_file_rules TO assay;\n    GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO assay;" }
      return
    end
    local found = 0
    for _, r in ipairs(rows) do
      local host = r.type ~= nil and r.type:sub(1, 4) == "host"
      local open = r.address == "all" or r.netmask == "0.0.0.0" or r.netmask == "::"
      if host and open and r.auth_method ~= nil and r.auth_method ~= "reject" then
        found = found + 1
        local where = r.address == "all" and "all" or (r.address .. " " .. r.netmask)
        ctx:fail {
          resource = "hba/line/" .. r.line_number,
          message = string.format("line %d: a %s rule for %s accepts %s connections from any address",
                                  r.line_number, r.type, where, r.auth_method),
          evidence = { line = r.line_number, type = r.type, database = r.database, user_name = r.user_name,
                       address = r.address, netmask = r.netmask, auth_method = r.auth_method },
        }
      end
    end
    if found == 0 then
      ctx:pass { message = string.format("no rule among the %d rules of pg_hba.conf accepts every address", #rows),
                 evidence = { rules = #rows } }
    end
  end,
}
