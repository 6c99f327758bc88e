-- The redis.conf audited should be what Redis runs: a CONFIG SET never written back (CONFIG
-- REWRITE), an edit waiting for a restart, or the wrong file audited all leave the file's checks
-- judging a server that does not exist. Compares every setting the file gives once with CONFIG GET.

-- Directives Redis normalises or accumulates (several lines, reordered flags, resolved paths):
-- their text cannot be compared as written.
local not_comparable = {
  save = true, ["client-output-buffer-limit"] = true, ["notify-keyspace-events"] = true, dir = true,
  ["oom-score-adj-values"] = true, include = true, user = true, ["rename-command"] = true, loadmodule = true,
}

return assay.check {
  id = "REDIS-DRIFT",
  title = "redis.conf is what Redis runs",
  severity = "medium",
  category = "reliability",
  needs = { "redis", "files" },
  component = "redis",
  tags = { "redis", "drift" },
  references = { "https://redis.io/docs/latest/commands/config-rewrite/" },
  remediation = "Make the file and the server agree: write runtime changes back with\n\n"
    .. "    redis-cli CONFIG REWRITE\n\n"
    .. "or restart Redis with the file, or audit the file the server really loads (`INFO server`, config_file).",
  run = function(ctx)
    local live, docs = assay.drift_sources(ctx, "redis", "redis.conf")
    if not live then return end
    local running, err = live:config_get("*")
    if not running then return ctx:error { message = "cannot read CONFIG GET *: " .. err } end
    for _, doc in ipairs(docs) do
      local seen, lines = {}, {}
      for _, d in ipairs(doc.data.directives or {}) do
        seen[d.name] = (seen[d.name] or 0) + 1
        lines[d.name] = d.line
      end
      local rows = {}
      for name, value in assay.sorted_pairs(doc.data.settings) do
        local now = running[name]
        if now ~= nil and seen[name] == 1 and not not_comparable[name] and value ~= "[REDACTED]"
            and type(value) == "string" then
          local bytes = doc.data.bytes and doc.data.bytes[name]
          local same = bytes and tonumber(now) == bytes or assay.same_setting(value, now)
          rows[#rows + 1] = { name = name, file = value, live = now, line = lines[name], same = same,
                              note = bytes and (bytes .. " bytes in the file") or nil }
        end
      end
      assay.report_drift(ctx, doc.path, rows, "Redis")
    end
  end,
}
