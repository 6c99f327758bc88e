-- The postgresql.conf audited should be what PostgreSQL runs: an edit without a reload, a
-- setting that needs a restart (pending_restart), ALTER SYSTEM in postgresql.auto.conf or a
-- command-line option overriding the file, or the wrong file audited. Compares every setting the
-- file gives with pg_settings, in the server's units.

-- Bytes and milliseconds of one unit of pg_settings.unit.
local unit_bytes = { B = 1, kB = 1024, MB = 1048576, GB = 1073741824, TB = 1099511627776 }
local unit_ms = { us = 0.001, ms = 1, s = 1000, min = 60000, h = 3600000, d = 86400000 }

local function scaled(unit, table_of_units)
  if not unit or unit == "" then return nil end
  local count, name = unit:match("^(%d*)(%a+)$")
  local factor = name and table_of_units[name]
  if not factor then return nil end
  return (tonumber(count) or 1) * factor
end

-- The setting's running value in the file's terms, and whether the two agree.
local function compare(s, live)
  local bytes_per = scaled(live.unit, unit_bytes)
  local ms_per = scaled(live.unit, unit_ms)
  local number = tonumber(live.setting)
  if s.bytes and bytes_per and number then return number * bytes_per == s.bytes, live.setting .. " × " .. live.unit end
  if s.ms and ms_per and number then return math.abs(number * ms_per - s.ms) < 0.001, live.setting .. " " .. live.unit end
  if s.bool ~= nil and live.vartype == "bool" then return (live.setting == "on") == s.bool, live.setting end
  if live.vartype == "string" then return s.value == live.setting, live.setting end
  return assay.same_setting(s.value, live.setting), live.setting
end

return assay.check {
  id = "PG-DRIFT",
  title = "postgresql.conf is what PostgreSQL runs",
  severity = "medium",
  category = "reliability",
  needs = { "postgres", "files" },
  component = "postgres",
  tags = { "postgres", "drift" },
  references = { "https://www.postgresql.org/docs/current/view-pg-settings.html" },
  remediation = "Reload PostgreSQL after editing its file, restart it for settings marked pending_restart:\n\n"
    .. "    SELECT pg_reload_conf();\n\n"
    .. "or remove the ALTER SYSTEM or command-line override, or audit the file it runs (`SHOW config_file`).",
  run = function(ctx)
    local live, docs = assay.drift_sources(ctx, "postgresql", "postgresql.conf")
    if not live then return end
    local running = live:settings()
    for _, doc in ipairs(docs) do
      local rows = {}
      for name, s in assay.sorted_pairs(doc.data.settings) do
        local now = running[name]
        if now ~= nil and type(s.value) == "string" then
          local same, shown = compare(s, now)
          local note
          if now.pending_restart == true or now.pending_restart == "t" then
            same, note = false, "the file's value waits for a restart"
          elseif not same and now.source ~= "configuration file" then
            note = "set by " .. tostring(now.source)
          end
          rows[#rows + 1] = { name = name, file = s.value, live = shown, line = s.line, same = same, note = note }
        end
      end
      assay.report_drift(ctx, doc.path, rows, "PostgreSQL")
    end
  end,
}
