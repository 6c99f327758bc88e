-- CIS Docker Benchmark 5.26 (5.25 in older versions): no-new-privileges stops setuid binaries and
-- file capabilities from raising a process's privileges inside the container.

local function has_nnp(opts)
  for _, opt in ipairs(opts or {}) do
    if opt == "no-new-privileges" or opt:match("^no%-new%-privileges[=:]true$") then return true end
  end
  return false
end

return assay.check {
  id = "DOCKER-NO-NEW-PRIVILEGES",
  title = "Containers run with no-new-privileges",
  severity = "low",
  category = "security",
  needs = { "docker" },
  tags = { "docker", "cis-5.26" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.26: Ensure that the container is restricted from acquiring additional privileges",
    "https://docs.docker.com/reference/cli/docker/container/run/#security-opt",
  },
  remediation = "Run with `--security-opt no-new-privileges` (compose: `security_opt: [\"no-new-privileges:true\"]`), "
    .. "or set `\"no-new-privileges\": true` in the engine's daemon.json.",
  run = function(ctx)
    assay.each_container(ctx, function(resource, c)
      local opts = c.HostConfig.SecurityOpt or {}
      if has_nnp(opts) then
        ctx:pass { resource = resource, message = "no-new-privileges is set" }
      else
        ctx:fail { resource = resource,
                   message = "no-new-privileges is not set: setuid binaries can raise privileges inside the container",
                   evidence = { security_opt = #opts > 0 and opts or "none" } }
      end
    end)
  end,
}
