-- In transaction (or statement) pooling, a client's next statement may run on another server
-- connection: named prepared statements break unless PgBouncer tracks them
-- (max_prepared_statements, from 1.21; on by default from 1.24).
return assay.check {
  id = "PGB-PREPARED-STATEMENTS",
  title = "Transaction pooling supports prepared statements",
  severity = "info",
  category = "pool-efficiency",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "pools" },
  references = { "https://www.pgbouncer.org/config.html#max_prepared_statements",
                 "https://www.pgbouncer.org/features.html" },
  remediation = "On PgBouncer 1.21 or later, set in pgbouncer.ini and reload:\n\n    max_prepared_statements = 200\n\nOn older versions, disable server-side prepared statements in the clients (e.g. prepareThreshold=0 for JDBC, DISABLE_SERVER_SIDE_CURSORS for Django).",
  description = "Fails for each database or user pooled in transaction or statement mode while max_prepared_statements is 0 or unsupported (before 1.21).",
  run = function(ctx)
    local v = ctx.target:version()
    local cfg = ctx.target:config()
    local supported = v.major > 1 or v.minor >= 21
    local max = tonumber(cfg.max_prepared_statements) or 0
    local tracking = supported and max > 0
    local global = cfg.pool_mode or "session"
    local evidence = { version = v.version, max_prepared_statements = cfg.max_prepared_statements, pool_mode = global }
    local function report(resource, what, mode)
      if (mode == "transaction" or mode == "statement") and not tracking then
        ctx:fail { resource = resource, evidence = evidence,
                   message = what .. " uses " .. mode .. " pooling and " ..
                     (supported and "max_prepared_statements = 0" or ("PgBouncer " .. v.major .. "." .. v.minor .. " cannot track prepared statements")) ..
                     ": clients' named prepared statements fail on another server connection" }
      else
        ctx:pass { resource = resource, evidence = evidence,
                   message = what .. " uses " .. mode .. " pooling" ..
                     ((mode == "transaction" or mode == "statement") and " with max_prepared_statements = " .. max or "") }
      end
    end
    for _, db in ipairs(assay.pgbouncer_databases(ctx.target)) do
      local mode = (db.pool_mode ~= nil and db.pool_mode ~= "") and db.pool_mode or global
      report("database/" .. db.name, "database " .. db.name, mode)
    end
    -- A user's pool_mode overrides the database's (SHOW USERS).
    local users = ctx.target:show("USERS")
    table.sort(users, function(a, b) return a.name < b.name end)
    for _, user in ipairs(users) do
      if user.name ~= "pgbouncer" and user.pool_mode ~= nil and user.pool_mode ~= "" then
        report("user/" .. user.name, "user " .. user.name, user.pool_mode)
      end
    end
  end,
}
