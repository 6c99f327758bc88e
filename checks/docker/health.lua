-- CIS Docker Benchmark 5.27 (and 4.6): without a healthcheck the engine and orchestrators cannot
-- tell a hung service from a working one; an unhealthy container is one that fails its own check.

return assay.check {
  id = "DOCKER-HEALTH",
  title = "Containers have a healthcheck and are healthy",
  severity = "low",
  category = "availability",
  needs = { "docker" },
  tags = { "docker", "cis-5.27", "cis-4.6" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.27: Ensure that container health is checked at runtime",
    "CIS Docker Benchmark v1.6.0, 4.6: Ensure that HEALTHCHECK instructions have been added to container images",
    "https://docs.docker.com/reference/dockerfile/#healthcheck",
  },
  remediation = "Give the container a healthcheck that exercises the service: `--health-cmd 'pg_isready -d app'` "
    .. "(compose: `healthcheck: { test: [\"CMD\", \"pg_isready\", \"-d\", \"app\"], interval: 10s }`).",
  run = function(ctx)
    assay.each_container(ctx, function(resource, c)
      local test = c.Config.Healthcheck and c.Config.Healthcheck.Test
      local health = c.State.Health
      if test == nil or #test == 0 or test[1] == "NONE" then
        ctx:fail { resource = resource, message = "no healthcheck: a hung service looks as alive as a working one",
                   evidence = { healthcheck = test and test[1] or "none", status = c.State.Status } }
      elseif health and health.Status == "unhealthy" then
        local last = health.Log and health.Log[#health.Log]
        ctx:fail { resource = resource, severity = "high",
                   message = string.format("unhealthy: its healthcheck has failed %d times in a row",
                                           health.FailingStreak or 0),
                   evidence = { health = "unhealthy", failing_streak = health.FailingStreak or 0,
                                last_exit_code = last and last.ExitCode or "none" },
                   remediation = "Find why the healthcheck fails (`docker inspect --format '{{json .State.Health}}'`) "
                     .. "and fix the service or the healthcheck." }
      else
        local status = health and health.Status or ("not running (" .. c.State.Status .. ")")
        ctx:pass { resource = resource, message = "healthcheck configured, status " .. status,
                   evidence = { health = status } }
      end
    end)
  end,
}
