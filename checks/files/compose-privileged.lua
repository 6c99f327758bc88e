-- A privileged container holds every capability and device of the host.
return assay.check {
  id = "COMPOSE-PRIVILEGED",
  title = "No compose service runs privileged",
  severity = "critical",
  category = "security",
  needs = { "files" },
  tags = { "files", "compose", "docker", "cis-docker-5.5" },
  description = [[
`privileged: true` gives a container every Linux capability, every host device and no seccomp
or AppArmor confinement: whoever runs code in it is root on the host (CIS Docker Benchmark 5.5).]],
  references = {
    "https://docs.docker.com/reference/compose-file/services/#privileged",
    "https://www.cisecurity.org/benchmark/docker",
    "https://github.com/docker/docker-bench-security",
  },
  remediation = [=[
Remove `privileged: true` and add only the capabilities the service needs:

    services:
      app:
        cap_drop: [ALL]
        cap_add: [NET_BIND_SERVICE]]=],
  run = function(ctx)
    assay.each_service(ctx, function(s, doc)
      local name, resource, svc = s.name, s.resource, s.service
      if svc.privileged == true or svc.privileged == "true" then
        ctx:fail {
          resource = resource,
          message = name .. " runs privileged: every capability and device of the host, no seccomp or AppArmor",
          evidence = { file = doc.path, line = doc.data.lines["services." .. name .. ".privileged"], privileged = true },
        }
      else
        ctx:pass { resource = resource, message = name .. " is not privileged" }
      end
    end)
  end,
}
