-- CIS Docker Benchmark 5.15 (5.14 in older versions): an unbounded restart policy hides a crash
-- loop; a climbing RestartCount is one in progress.

return assay.check {
  id = "DOCKER-RESTART-POLICY",
  title = "Restart policies are bounded and containers are not crash-looping",
  severity = "low",
  category = "resilience",
  needs = { "docker" },
  tags = { "docker", "cis-5.15" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.15: Ensure that the 'on-failure' container restart policy is set to '5'",
    "https://docs.docker.com/engine/containers/start-containers-automatically/",
  },
  inputs = { max_restarts = 3 },
  remediation = "Use a bounded policy, `--restart on-failure:5` (compose: `restart: on-failure:5`), and find "
    .. "why the container exits (`docker logs`, `docker inspect --format '{{.State}}'`).",
  run = function(ctx)
    local max_restarts = ctx:input("max_restarts", 3)
    assay.each_container(ctx, function(resource, c)
      local policy = c.HostConfig.RestartPolicy or {}
      local name = policy.Name or ""
      if name == "" then name = "no" end
      local retries = policy.MaximumRetryCount or 0
      local count = c.RestartCount or 0
      local evidence = { policy = name, maximum_retry_count = retries, restart_count = count,
                         max_restarts = max_restarts, status = c.State.Status }
      if count >= max_restarts then
        ctx:fail { resource = resource, severity = "high", evidence = evidence,
                   message = string.format("restarted %d times (threshold %d, status %s): the container is crash-looping",
                                           count, max_restarts, c.State.Status),
                   remediation = "Read the container's logs (`docker logs`) and exit code, and fix what makes it exit." }
      elseif name == "always" or name == "unless-stopped" or (name == "on-failure" and retries == 0) then
        ctx:fail { resource = resource, evidence = evidence,
                   message = "restart policy " .. name .. (name == "on-failure" and " with no retry limit" or "")
                     .. ": a crash loop restarts forever" }
      else
        ctx:pass { resource = resource, evidence = evidence,
                   message = "restart policy " .. name .. (name == "on-failure" and (":" .. retries) or "")
                     .. ", " .. count .. " restarts" }
      end
    end)
  end,
}
