-- `trust` lets anyone who can reach the server log in as any role without a password.
-- Reads pg_hba_file_rules (the file on disk): superuser only unless granted.
return assay.check {
  id = "PG-HBA-TRUST",
  title = "No pg_hba.conf rule trusts connections",
  severity = "critical",
  category = "security",
  needs = { "postgres" },
  tags = { "postgres", "hba", "authentication" },
  references = { "https://www.postgresql.org/docs/current/auth-trust.html",
                 "https://www.postgresql.org/docs/current/view-pg-hba-file-rules.html" },
  remediation = "Replace `trust` with `scram-sha-256` (or `peer` for local connections of the service account) in pg_hba.conf, then reload.",
  description = "A `trust` rule on a host line is critical; on a local (unix socket) line, medium.",
  run = function(ctx)
    local function rule(r)
      local parts = { r.type, ((r.database or ""):gsub("[{}]", "")), ((r.user_name or ""):gsub("[{}]", "")) }
      if r.address then parts[#parts + 1] = r.address end
      if r.netmask then parts[#parts + 1] = r.netmask end
      parts[#parts + 1] = r.auth_method
      return table.concat(parts, " ")
    end
    assay.judge_hba_rules(ctx, function(r)
      if r.auth_method == "trust" then
        local is_local = r.type == "local"
        return {
          severity = is_local and "medium" or "critical",
          message = is_local
            and string.format("line %d `%s`: any local user may connect as these roles without a password", r.line_number, rule(r))
            or string.format("line %d `%s`: anyone who reaches the port may connect as these roles without a password", r.line_number, rule(r)),
        }
      end
    end, "no trust rule among the %d rules of pg_hba.conf")
  end,
}
