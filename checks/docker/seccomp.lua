-- CIS Docker Benchmark 5.22: without a seccomp profile every system call reaches the kernel,
-- including the ones most kernel exploits need.

local function unconfined(opts)
  for _, opt in ipairs(opts or {}) do
    if opt:match("^seccomp[=:]unconfined$") then return true end
  end
  return false
end

return assay.check {
  id = "DOCKER-SECCOMP-UNCONFINED",
  title = "Containers run with a seccomp profile",
  severity = "high",
  category = "security",
  needs = { "docker" },
  tags = { "docker", "cis-5.22" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.22: Ensure that the default seccomp profile is not disabled",
    "https://docs.docker.com/engine/security/seccomp/",
  },
  remediation = "Remove `--security-opt seccomp=unconfined` (compose: `security_opt: [seccomp:unconfined]`); "
    .. "if one system call is missing, give a custom profile that allows it: `--security-opt seccomp=profile.json`.",
  run = function(ctx)
    local engine = ctx.target:engine_info()
    local engine_seccomp = false
    for _, opt in ipairs(engine.SecurityOptions or {}) do
      if opt:match("^name=seccomp") then engine_seccomp = true end
    end
    assay.each_container(ctx, function(resource, c)
      local opts = c.HostConfig.SecurityOpt or {}
      if not engine_seccomp then
        ctx:fail { resource = resource,
                   message = "the engine runs without seccomp support: no container is filtered",
                   evidence = { engine_security_options = engine.SecurityOptions or {} },
                   remediation = "Run a Docker engine built with seccomp (SecurityOptions shows name=seccomp)." }
      elseif unconfined(opts) then
        ctx:fail { resource = resource, message = "seccomp=unconfined: every system call reaches the kernel",
                   evidence = { security_opt = #opts > 0 and opts or "none" } }
      else
        ctx:pass { resource = resource, message = "filtered by seccomp" }
      end
    end)
  end,
}
