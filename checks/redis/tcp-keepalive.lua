-- With tcp-keepalive 0 Redis never probes idle connections: clients that vanished (a crashed host,
-- a dropped NAT entry) hold their slot until the timeout, if any, closes them.

return assay.check {
  id = "REDIS-TCP-KEEPALIVE",
  title = "TCP keepalive is on",
  severity = "low",
  category = "availability",
  needs = { "redis" },
  tags = { "redis", "connections" },
  references = { "https://raw.githubusercontent.com/redis/redis/7.0/redis.conf" },
  remediation = "Set in redis.conf (300 is Redis's default since 3.2.1):\n\n    tcp-keepalive 300",
  run = function(ctx)
    local cfg, err = ctx.target:config_get("*")
    if not cfg then return ctx:skip { resource = "setting/tcp-keepalive", message = "cannot read tcp-keepalive: " .. err } end
    local keepalive = cfg["tcp-keepalive"]
    local evidence = { ["tcp-keepalive"] = keepalive, timeout = cfg.timeout }
    if keepalive == "0" then
      ctx:fail { resource = "setting/tcp-keepalive", evidence = evidence,
                 message = "tcp-keepalive 0: dead clients are never detected"
                   .. (cfg.timeout == "0" and " and, with timeout 0, never disconnected" or "") }
    else
      ctx:pass { resource = "setting/tcp-keepalive", evidence = evidence, message = "tcp-keepalive " .. tostring(keepalive) }
    end
  end,
}
