-- CIS Docker Benchmark 4.1: a process running as root in a container is root on the host as soon
-- as anything breaks the isolation (unless the engine remaps users).

local function is_root(user)
  local name = (user or ""):match("^([^:]*)")
  return name == "" or name == "0" or name == "root"
end

return assay.check {
  id = "DOCKER-RUN-AS-ROOT",
  title = "Containers run as a non-root user",
  severity = "medium",
  category = "security",
  needs = { "docker" },
  tags = { "docker", "cis-4.1" },
  references = {
    "CIS Docker Benchmark v1.6.0, 4.1: Ensure that a user for the container has been created",
    "https://docs.docker.com/engine/security/userns-remap/",
  },
  remediation = "Run as an unprivileged user: `USER 1000` in the Dockerfile, `--user 1000:1000` "
    .. "(compose: `user: \"1000:1000\"`), or enable user-namespace remapping in the engine.",
  run = function(ctx)
    local remapped = false
    for _, opt in ipairs(ctx.target:engine_info().SecurityOptions or {}) do
      if opt:match("^name=userns") or opt:match("^name=rootless") then remapped = true end
    end
    assay.each_container(ctx, function(resource, c)
      local user = c.Config.User or ""
      if is_root(user) then
        ctx:fail { resource = resource, severity = remapped and "low" or nil,
                   message = "runs as root (user " .. (user == "" and "unset" or user) .. ")"
                     .. (remapped and ", remapped to an unprivileged host user by the engine" or ""),
                   evidence = { user = user, userns_remap = remapped } }
      else
        ctx:pass { resource = resource, message = "runs as user " .. user, evidence = { user = user } }
      end
    end)
  end,
}
