-- CIS Docker Benchmark 5.14 (5.13 in older versions): a port published without a host address
-- listens on every interface of the host, and Docker's iptables rules bypass the host firewall.

return assay.check {
  id = "DOCKER-PORTS-ALL-INTERFACES",
  title = "Published ports are bound to a specific host address",
  severity = "medium",
  category = "security",
  needs = { "docker" },
  tags = { "docker", "cis-5.14" },
  references = {
    "CIS Docker Benchmark v1.6.0, 5.14: Ensure that incoming container traffic is bound to a specific host interface",
    "https://docs.docker.com/engine/network/packet-filtering-firewalls/#port-publishing-and-mapping",
  },
  inputs = { sensitive_ports = { 5432, 6432, 6379 } },
  remediation = "Publish on one address: `-p 127.0.0.1:6379:6379` (compose: `ports: [\"127.0.0.1:6379:6379\"]`), "
    .. "or do not publish at all and reach the service over a user-defined network.",
  run = function(ctx)
    -- A list of ports, or one port, or "5432,6379" from the command line.
    local sensitive = {}
    local ports = ctx:input("sensitive_ports", { 5432, 6432, 6379 })
    if type(ports) ~= "table" then ports = { tostring(ports):match("^%s*(.-)%s*$") } end
    for _, item in ipairs(ports) do
      for port in tostring(item):gmatch("%d+") do sensitive[tonumber(port)] = true end
    end
    assay.each_container(ctx, function(resource, c)
      local open, database = {}, false
      local specs = assay.sorted_keys(c.HostConfig.PortBindings)
      for _, spec in ipairs(specs) do
        for _, b in ipairs(c.HostConfig.PortBindings[spec] or {}) do
          local ip = b.HostIp or ""
          if ip == "" or ip == "0.0.0.0" or ip == "::" or ip == "[::]" then
            local host_port = tonumber(b.HostPort) -- "" means a random host port
            local container_port = tonumber(spec:match("^(%d+)"))
            if sensitive[container_port] or sensitive[host_port] then database = true end
            open[#open + 1] = (ip == "" and "0.0.0.0" or ip) .. ":" .. (b.HostPort ~= "" and b.HostPort or "*")
              .. "->" .. spec
          end
        end
      end
      if #open > 0 then
        ctx:fail { resource = resource, severity = database and "high" or nil,
                   message = "publishes on all host interfaces: " .. table.concat(open, ", ")
                     .. (database and " (a database or cache port)" or ""),
                   evidence = { bindings = open } }
      else
        ctx:pass { resource = resource, message = #specs == 0 and "publishes no port"
                                                  or "published ports are bound to specific host addresses" }
      end
    end)
  end,
}
