-- CIS Docker Benchmark 5.13 (5.12 in older versions): a read-only root filesystem stops an intruder
-- from changing the container's binaries and keeps state in declared volumes.

return assay.check {
  id = "DOCKER-READONLY-ROOTFS",
  title = "Containers run with a read-only root filesystem",
  severity = "low",
  category = "security",
  needs = { "docker" },
  tags = { "docker", "cis-5.13" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.13: Ensure that the container's root filesystem is mounted as read only",
  },
  remediation = "Run with `--read-only` (compose: `read_only: true`) and give writable paths their own "
    .. "volumes or tmpfs: `--tmpfs /tmp`.",
  run = function(ctx)
    assay.each_container(ctx, function(resource, c)
      if c.HostConfig.ReadonlyRootfs then
        ctx:pass { resource = resource, message = "root filesystem is read-only" }
      else
        ctx:fail { resource = resource, message = "root filesystem is writable",
                   evidence = { readonly_rootfs = false } }
      end
    end)
  end,
}
