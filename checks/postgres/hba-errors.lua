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
    assay.judge_hba_rules(ctx, function(r)
      if r.error ~= nil then
        return { message = string.format("line %d is invalid: %s", r.line_number, r.error),
                 evidence = { line = r.line_number, error = r.error } }
      end
    end, "all %d rules of pg_hba.conf are valid")
  end,
}
