-- tcp-keepalive 0: dead peers keep their connections until the OS notices, hours later.
return assay.check {
  id = "REDISCONF-TCP-KEEPALIVE",
  title = "Redis sends TCP keepalives",
  severity = "low",
  category = "resilience",
  needs = { "files" },
  tags = { "files", "redis" },
  description = [[
With `tcp-keepalive 0` Redis never probes idle clients: connections of crashed clients or dropped
NAT entries stay open, count against maxclients and hold their buffers. The default is 300
seconds.]],
  references = {
    "https://raw.githubusercontent.com/redis/redis/7.0/redis.conf",
    "https://redis.io/docs/latest/develop/reference/clients/",
  },
  remediation = [[
Probe idle connections (the default):

    tcp-keepalive 300]],
  run = function(ctx)
    local docs = assay.documents(ctx, "redis", "redis.conf")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local written = doc.data.settings["tcp-keepalive"]
      local value = tonumber(written) or 300
      local evidence = { file = doc.path, ["tcp-keepalive"] = value, default = written == nil }
      local resource = doc.path .. "#tcp-keepalive"
      if value <= 0 then
        ctx:fail {
          resource = resource,
          message = "tcp-keepalive 0: dead clients keep their connections",
          evidence = evidence,
        }
      else
        ctx:pass {
          resource = resource,
          message = "tcp-keepalive " .. tostring(value) .. (written == nil and " (the default)" or ""),
          evidence = evidence,
        }
      end
    end
  end,
}
