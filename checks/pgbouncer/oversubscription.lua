-- Every pool may open pool_size + reserve server connections; when their sum exceeds what
-- PostgreSQL lets ordinary roles open (max_connections less the reserved slots), a busy moment
-- ends in "sorry, too many clients already" instead of a queue in PgBouncer.
return assay.check {
  id = "PGB-OVERSUBSCRIPTION",
  title = "Pools fit in PostgreSQL's max_connections",
  severity = "high",
  category = "capacity",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "postgres", "capacity" },
  references = { "https://www.pgbouncer.org/config.html#pool_size",
                 "https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-MAX-CONNECTIONS" },
  remediation = "Lower pool_size / reserve_pool (or cap a database with max_db_connections) so that their sum fits, or raise max_connections in PostgreSQL.",
  description = "Needs a postgres target as well. Per database: (pool_size + reserve_pool) × its pools (one per user seen in SHOW POOLS, at least one), capped by the database's max_db_connections; the sum is compared with max_connections − superuser_reserved_connections − reserved_connections of each postgres target (with several postgres targets, databases are matched to a target by port).",
  run = function(ctx)
    local targets = ctx:targets("postgres")
    if #targets == 0 then
      ctx:skip { message = "no postgres target to compare the pools with" }
      return
    end
    local cfg = ctx.target:config()
    local global_cap = tonumber(cfg.max_db_connections) or 0
    local users = {}
    for _, pool in ipairs(ctx.target:pools()) do
      users[pool.database] = (users[pool.database] or 0) + 1
    end
    local dbs = {}
    for _, db in ipairs(assay.pgbouncer_databases(ctx.target)) do
      -- reserve_pool until 1.23, reserve_pool_size from 1.24
      local reserve = tonumber(db.reserve_pool or db.reserve_pool_size) or 0
      local pools = (db.force_user ~= nil and db.force_user ~= "") and 1 or math.max(1, users[db.name] or 0)
      local most = ((tonumber(db.pool_size) or 0) + reserve) * pools
      local cap = tonumber(db.max_connections) or 0
      if cap <= 0 then cap = global_cap end
      if cap > 0 and cap < most then most = cap end
      dbs[#dbs + 1] = { name = db.name, port = tonumber(db.port), most = most }
    end

    for _, pg in ipairs(targets) do
      local settings = pg:settings()
      local function number(name)
        local s = settings[name]
        return s and tonumber(s.setting) or 0
      end
      local port = number("port")
      local usable = number("max_connections") - number("superuser_reserved_connections") - number("reserved_connections")
      local total, parts = 0, {}
      for _, db in ipairs(dbs) do
        if #targets == 1 or db.port == port then
          total = total + db.most
          parts[db.name] = db.most
        end
      end
      local evidence = { pgbouncer_connections = total, by_database = parts, postgres_usable = usable,
                         max_connections = number("max_connections") }
      local text = string.format("the pools may open %d server connections; %s lets ordinary roles open %d",
                                 total, pg.name, usable)
      if total > usable then
        ctx:fail { resource = "postgres/" .. pg.name, evidence = evidence, message = text }
      else
        ctx:pass { resource = "postgres/" .. pg.name, evidence = evidence, message = text }
      end
    end
  end,
}
