-- Client backends against the slots ordinary roles can use: max_connections less the slots
-- reserved for superusers (and, from PostgreSQL 16, for pg_use_reserved_connections).
-- Thresholds from check_postgres (backends: 90 % warning, 95 % critical).
return assay.check {
  id = "PG-CONNECTIONS",
  title = "Connection slots are not nearly exhausted",
  severity = "high",
  category = "capacity",
  needs = { "postgres" },
  tags = { "postgres", "connections" },
  references = { "https://bucardo.org/check_postgres/check_postgres.pl.html#backends",
                 "https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-MAX-CONNECTIONS" },
  remediation = "Put a pooler (PgBouncer) in front of the applications, lower their pool sizes, or raise max_connections (needs a restart and memory).",
  description = "High at warn_percent of the usable slots, critical at crit_percent.",
  inputs = { warn_percent = 90, crit_percent = 95 },
  run = function(ctx)
    local warn, crit = ctx:input("warn_percent", 90), ctx:input("crit_percent", 95)
    local settings = ctx.target:settings()
    local function number(name)
      local s = settings[name]
      return s and tonumber(s.setting) or 0
    end
    local max = number("max_connections")
    local reserved = number("superuser_reserved_connections") + number("reserved_connections")
    local usable = max - reserved
    local rows = ctx.target:query(
      "SELECT count(*) AS used FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend'")
    local used = rows[1].used
    local percent = usable > 0 and used * 100 / usable or 100
    assay.grade(ctx, percent, {
      resource = "setting/max_connections",
      evidence = {
        client_backends = used, max_connections = max, reserved_connections = reserved, usable = usable,
        percent = string.format("%.1f", percent), warn_percent = warn, crit_percent = crit,
      },
      message = string.format("client connections use %d of the %d usable slots, %.1f %% (max_connections %d less %d reserved)",
                              used, usable, percent, max, reserved),
      warn = warn, warn_note = ": at or above %s %%",
      crit = crit, crit_note = ": at or above %s %%, new connections are about to be refused",
    })
  end,
}
