-- pg_stat_statements is how one finds the statements that cost the most; without it a slow
-- database can only be diagnosed after the fact.
return assay.check {
  id = "PG-STAT-STATEMENTS",
  title = "pg_stat_statements is installed",
  severity = "low",
  category = "observability",
  needs = { "postgres" },
  tags = { "postgres", "monitoring" },
  references = { "https://www.postgresql.org/docs/current/pgstatstatements.html" },
  remediation = "Add it to postgresql.conf and restart, then create the extension in the database:\n\n    shared_preload_libraries = 'pg_stat_statements'\n\n    CREATE EXTENSION pg_stat_statements;",
  description = "Looks in the database the target connects to.",
  run = function(ctx)
    local row = ctx.target:query([[
      SELECT current_database() AS db,
             (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pg_stat_statements') AS version]])[1]
    local preload = ctx.target:setting("shared_preload_libraries") or ""
    local loaded = false
    for name in preload:gmatch("[^,%s]+") do
      if name:gsub('"', "") == "pg_stat_statements" then loaded = true end
    end
    local evidence = { database = row.db, extversion = row.version, shared_preload_libraries = preload }
    local resource = "db/" .. row.db
    if row.version == nil then
      ctx:fail { resource = resource, evidence = evidence,
                 message = "pg_stat_statements is not installed in database " .. row.db .. (loaded and " (the library is preloaded)" or "") }
    elseif not loaded then
      ctx:fail { resource = resource, evidence = evidence,
                 message = "pg_stat_statements is installed in " .. row.db .. " but not in shared_preload_libraries: it collects nothing" }
    else
      ctx:pass { resource = resource, evidence = evidence,
                 message = "pg_stat_statements " .. row.version .. " is installed in " .. row.db .. " and preloaded" }
    end
  end,
}
