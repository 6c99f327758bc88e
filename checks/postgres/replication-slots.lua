-- A replication slot keeps every WAL segment its consumer has not confirmed: an inactive slot
-- fills the disk, and a `lost` one means the consumer can never catch up.
return assay.check {
  id = "PG-REPLICATION-SLOTS",
  title = "Replication slots are in use and keep up",
  severity = "high",
  category = "resilience",
  needs = { "postgres" },
  tags = { "postgres", "replication", "wal" },
  references = { "https://www.postgresql.org/docs/current/view-pg-replication-slots.html",
                 "https://www.postgresql.org/docs/current/warm-standby.html#STREAMING-REPLICATION-SLOTS" },
  remediation = "Reconnect the slot's consumer, or drop a slot nobody uses (SELECT pg_drop_replication_slot('name')); bound the damage with max_slot_wal_keep_size.",
  description = "Fails for each slot that is inactive, whose WAL is lost, or that retains more than max_retained_bytes of WAL.",
  inputs = { max_retained_bytes = 1073741824 },
  run = function(ctx)
    local max = ctx:input("max_retained_bytes", 1073741824)
    local rows = ctx.target:query([[
      SELECT slot_name, slot_type, database, active, wal_status,
             pg_catalog.pg_wal_lsn_diff(
               CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_receive_lsn()
                    ELSE pg_catalog.pg_current_wal_lsn() END, restart_lsn)::bigint AS retained_bytes
      FROM pg_catalog.pg_replication_slots ORDER BY slot_name]])
    if #rows == 0 then
      ctx:skip { message = "no replication slot" }
      return
    end
    for _, r in ipairs(rows) do
      local evidence = { slot = r.slot_name, type = r.slot_type, database = r.database, active = r.active,
                         wal_status = r.wal_status, retained_bytes = r.retained_bytes, max_retained_bytes = max }
      local resource = "slot/" .. r.slot_name
      local retained = r.retained_bytes or 0
      if r.wal_status == "lost" then
        ctx:fail { resource = resource, evidence = evidence,
                   message = "slot " .. r.slot_name .. " has lost WAL its consumer needs: the consumer must be rebuilt" }
      elseif not r.active then
        ctx:fail { resource = resource, evidence = evidence,
                   message = string.format("slot %s (%s) is inactive: it retains WAL (%d bytes now) until a consumer reconnects or it is dropped",
                                           r.slot_name, r.slot_type, retained) }
      elseif retained > max then
        ctx:fail { resource = resource, evidence = evidence,
                   message = string.format("slot %s retains %d bytes of WAL (over %d): its consumer lags behind",
                                           r.slot_name, retained, max) }
      else
        ctx:pass { resource = resource, evidence = evidence,
                   message = string.format("slot %s is active and retains %d bytes of WAL", r.slot_name, retained) }
      end
    end
  end,
}
