-- A replica whose link to its primary is down serves stale data and will not be a usable
-- failover target.

return assay.check {
  id = "REDIS-REPLICATION-LINK",
  title = "Replicas are connected to their primary",
  severity = "high",
  category = "resilience",
  needs = { "redis" },
  tags = { "redis", "replication" },
  references = {
    "https://redis.io/docs/latest/operate/oss_and_stack/management/replication/",
    "https://redis.io/docs/latest/commands/info/#replication",
  },
  remediation = "Check that the primary is up and reachable from the replica (network, `masterauth`, "
    .. "`masteruser`) and read the replica's log for the sync error.",
  run = function(ctx)
    local r = ctx.target:info("default").replication
    if r.role ~= "slave" then
      return ctx:skip { resource = "replication", evidence = { role = r.role, connected_slaves = r.connected_slaves },
                        message = "a " .. r.role .. " with " .. (r.connected_slaves or 0) .. " replicas: no link to a primary to check" }
    end
    local primary = tostring(r.master_host) .. ":" .. tostring(r.master_port)
    local evidence = { role = r.role, master_host = r.master_host, master_port = r.master_port,
                       master_link_status = r.master_link_status,
                       master_link_down_since_seconds = r.master_link_down_since_seconds,
                       master_sync_in_progress = r.master_sync_in_progress }
    if r.master_link_status == "up" then
      ctx:pass { resource = "replication", evidence = evidence, message = "link to primary " .. primary .. " is up" }
    else
      local since = r.master_link_down_since_seconds
      ctx:fail { resource = "replication", evidence = evidence,
                 message = "the link to primary " .. primary .. " is " .. tostring(r.master_link_status)
                   .. ((since and since >= 0) and (" (for " .. since .. " s)") or "") }
    end
  end,
}
