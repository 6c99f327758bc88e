-- A line PostgreSQL cannot use: on reload the whole file is rejected and the old rules stay; on
-- restart the server refuses to start. pg_hba_file_rules shows the file on disk, so this also
-- catches an edit that was not reloaded yet.
return assay.check {
  id = "PG-HBA-ERRORS",
  title = "pg_hba.conf has no invalid line",
  severity = "high",
  category = "availability",
  needs = { "postgres" },
  tags = { "postgres", "hba" },
  references = { "https://www.postgresql.org/docs/current/view-pg-hba-file-rules.html" },
  remediation = "Fix the line (see the error), check with `SELECT * FROM pg_hba_file_rules WHERE error IS NOT NULL`, then reload.",
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
      if r.error ~= nil then
        found = found + 1
        ctx:fail {
          resource = "hba/line/" .. r.line_number,
          message = string.format("line %d is invalid: %s", r.line_number, r.error),
          evidence = { line = r.line_number, error = r.error },
        }
      end
    end
    if found == 0 then
      ctx:pass { message = string.format("all %d rules of pg_hba.conf are valid", #rows), evidence = { rules = #rows } }
    end
  end,
}
