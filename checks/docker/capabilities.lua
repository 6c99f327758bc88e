-- CIS Docker Benchmark 5.4: capabilities beyond Docker's default set widen what a compromised
-- process can do to the kernel and the host.

-- Docker's default capability set (moby oci/caps/defaults.go): adding one of these changes nothing.
local DEFAULTS = {
  AUDIT_WRITE = true, CHOWN = true, DAC_OVERRIDE = true, FOWNER = true, FSETID = true, KILL = true,
  MKNOD = true, NET_BIND_SERVICE = true, NET_RAW = true, SETFCAP = true, SETGID = true, SETPCAP = true,
  SETUID = true, SYS_CHROOT = true,
}

return assay.check {
  id = "DOCKER-CAP-ADD",
  title = "Containers add no capability beyond Docker's defaults",
  severity = "medium",
  category = "security",
  needs = { "docker" },
  tags = { "docker", "cis-5.4" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.4: Ensure that Linux kernel capabilities are restricted within containers",
    "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",
  },
  remediation = "Remove the extra `--cap-add` flags (compose: `cap_add`); better, start from `--cap-drop ALL` "
    .. "and add back only what the process needs.",
  run = function(ctx)
    assay.each_container(ctx, function(resource, c)
      local extra, all = {}, false
      for _, cap in ipairs(c.HostConfig.CapAdd or {}) do
        local name = cap:upper():gsub("^CAP_", "")
        if name == "ALL" then all = true end
        if not DEFAULTS[name] then extra[#extra + 1] = name end
      end
      table.sort(extra)
      if all then
        ctx:fail { resource = resource, severity = "high",
                   message = "adds ALL capabilities: as powerful as a privileged container, short of devices",
                   evidence = { cap_add = extra } }
      elseif #extra > 0 then
        ctx:fail { resource = resource,
                   message = "adds capabilities beyond Docker's defaults: " .. table.concat(extra, ", "),
                   evidence = { cap_add = extra } }
      else
        ctx:pass { resource = resource, message = "no capability beyond Docker's defaults" }
      end
    end)
  end,
}
