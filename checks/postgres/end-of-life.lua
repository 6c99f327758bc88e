-- A PostgreSQL major version gets security fixes for five years; after its end of life, none.
-- Dates: https://www.postgresql.org/support/versioning/ ("today" is the server's current_date
-- unless the `today` input sets it, so the verdict never depends on the auditor's clock).
return assay.check {
  id = "PG-END-OF-LIFE",
  title = "PostgreSQL major version is supported",
  severity = "high",
  category = "maintenance",
  needs = { "postgres" },
  tags = { "postgres", "upgrade" },
  references = { "https://www.postgresql.org/support/versioning/" },
  remediation = "Upgrade to a supported major version (pg_upgrade or logical replication) before the end-of-life date.",
  description = "Fails high when the server's major version is past its end of life, medium when the end of life is less than warn_days away.",
  inputs = {
    eol_dates = {
      ["10"] = "2022-11-10", ["11"] = "2023-11-09", ["12"] = "2024-11-21", ["13"] = "2025-11-13",
      ["14"] = "2026-11-12", ["15"] = "2027-11-11", ["16"] = "2028-11-09", ["17"] = "2029-11-08",
      ["18"] = "2030-11-14",
    },
    warn_days = 365,
    today = "",
  },
  run = function(ctx)
    local version = ctx.target:version()
    local num = version.server_version_num
    -- 150018 → 15; 90624 → 9.6 (every 9.x is long past its end of life)
    local major = num >= 100000 and num // 10000 or nil
    local dates = ctx:input("eol_dates")
    local warn_days = ctx:input("warn_days", 365)
    local today = ctx:input("today", "")
    local resource = "setting/server_version_num"
    local evidence = { server_version = version.server_version, server_version_num = num, warn_days = warn_days }

    if major == nil then
      ctx:fail { resource = resource, evidence = evidence,
                 message = "PostgreSQL " .. version.server_version .. " is a 9.x release, past its end of life since 2021 at the latest" }
      return
    end
    local eol = dates[tostring(major)]
    if eol == nil then
      local known = {}
      for name in pairs(dates) do known[#known + 1] = tonumber(name) end
      table.sort(known)
      if major > known[#known] then
        ctx:pass { resource = resource,
                   message = "PostgreSQL " .. major .. " is newer than every major version in the end-of-life table" }
      else
        ctx:fail { resource = resource, evidence = evidence,
                   message = "PostgreSQL " .. major .. " is older than every major version in the end-of-life table: past its end of life" }
      end
      return
    end

    local rows = ctx.target:query(
      "SELECT ($1::date - d) AS days_left, d::text AS today FROM (SELECT COALESCE(NULLIF($2, '')::date, current_date) AS d) t",
      eol, today)
    local days, on = rows[1].days_left, rows[1].today
    evidence.end_of_life = eol
    evidence.today = on
    evidence.days_left = days
    if days < 0 then
      ctx:fail { resource = resource, evidence = evidence,
                 message = string.format("PostgreSQL %d (%s) reached its end of life on %s, %d days ago: it gets no security fixes",
                                         major, version.server_version, eol, -days) }
    elseif days < warn_days then
      ctx:fail { resource = resource, evidence = evidence, severity = "medium",
                 message = string.format("PostgreSQL %d (%s) reaches its end of life on %s, in %d days: plan the upgrade",
                                         major, version.server_version, eol, days) }
    else
      ctx:pass { resource = resource, evidence = evidence,
                 message = string.format("PostgreSQL %d is supported until %s (%d days)", major, eol, days) }
    end
  end,
}
