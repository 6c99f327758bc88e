-- The pgbouncer.ini audited should be what PgBouncer runs: an edit without RELOAD, a SET on the
-- admin console, or the wrong file audited leave the file's checks judging another pooler.
-- Compares every [pgbouncer] setting of the file with SHOW CONFIG.

-- Settings PgBouncer shows resolved or in another form than the file writes them.
local not_comparable = { logfile = true, pidfile = true, unix_socket_dir = true, auth_file = true, conffile = true }

return assay.check {
  id = "PGB-DRIFT",
  title = "pgbouncer.ini is what PgBouncer runs",
  severity = "medium",
  category = "reliability",
  needs = { "pgbouncer", "files" },
  component = "pgbouncer",
  tags = { "pgbouncer", "drift" },
  references = { "https://www.pgbouncer.org/usage.html#admin-console" },
  remediation = "Reload PgBouncer after editing its file (on the admin console):\n\n    RELOAD;\n\n"
    .. "or audit the file it was started with (`SHOW CONFIG`, conffile).",
  run = function(ctx)
    local live, docs = assay.drift_sources(ctx, "pgbouncer", "pgbouncer.ini")
    if not live then return end
    local running = live:config()
    for _, doc in ipairs(docs) do
      local lines = doc.data.lines or {}
      local rows = {}
      for name, value in assay.sorted_pairs(doc.data.pgbouncer) do
        local now = running[name]
        if now ~= nil and not not_comparable[name] and type(value) ~= "table" then
          rows[#rows + 1] = { name = name, file = tostring(value), live = tostring(now), line = lines["pgbouncer." .. name] or 0,
                              same = assay.same_setting(value, now) }
        end
      end
      assay.report_drift(ctx, doc.path, rows, "PgBouncer")
    end
  end,
}
