-- CIS Docker Benchmark 5.5: a privileged container has every capability and every device of the
-- host; escaping it is trivial.

-- Calls fn(resource, inspect) for every container (created and stopped ones too), sorted by name.
return assay.check {
  id = "DOCKER-PRIVILEGED",
  title = "Containers do not run privileged",
  severity = "critical",
  category = "security",
  needs = { "docker" },
  tags = { "docker", "cis-5.5" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.5: Ensure that privileged containers are not used",
    "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",
  },
  remediation = "Remove `--privileged` (compose: `privileged: true`) and add only the capabilities or devices "
    .. "the container needs, e.g. `--cap-add NET_ADMIN` or `--device /dev/fuse`.",
  run = function(ctx)
    assay.each_container(ctx, function(resource, c)
      if c.HostConfig.Privileged then
        ctx:fail { resource = resource,
                   message = "runs privileged: all capabilities, all host devices, no seccomp or AppArmor confinement",
                   evidence = { privileged = true, status = c.State.Status } }
      else
        ctx:pass { resource = resource, message = "not privileged" }
      end
    end)
  end,
}
