-- A PgBouncer whose file says listen_addr = 127.0.0.1 looks private; its compose service
-- publishing "0.0.0.0:6432:6432" makes it public. Published on every interface, it must speak TLS
-- to its clients (client_tls_sslmode require or stronger), or every password and row crosses the
-- network readable.

local TLS_ON = { require = true, ["verify-ca"] = true, ["verify-full"] = true }

return assay.check {
  id = "PGB-EXPOSED-WITHOUT-TLS",
  title = "A PgBouncer published on every interface requires TLS from its clients",
  severity = "high",
  category = "security",
  needs = { "pgbouncer", "files" },
  component = "pgbouncer",
  tags = { "pgbouncer", "tls", "compose", "network", "cross-component" },
  references = {
    "https://www.pgbouncer.org/config.html#client_tls_sslmode",
    "https://docs.docker.com/reference/compose-file/services/#ports",
  },
  remediation = "Publish the pooler on the address its clients use only, in docker-compose.yml:\n\n"
    .. "    ports:\n      - \"127.0.0.1:6432:6432\"\n\n"
    .. "or require TLS, in pgbouncer.ini:\n\n    client_tls_sslmode = require\n    client_tls_key_file = /etc/pgbouncer/server.key\n"
    .. "    client_tls_cert_file = /etc/pgbouncer/server.crt",
  run = function(ctx)
    local live = ctx.component:live()
    local mode, port, source
    if live then
      local cfg = live:config()
      mode, port, source = cfg.client_tls_sslmode or "disable", tonumber(cfg.listen_port) or 6432, "the running pooler"
    else
      local doc = ctx.component:documents("pgbouncer")[1]
      if not doc or not doc.data then return ctx:skip { message = ctx.component.name .. " has no readable pgbouncer.ini" } end
      local settings = doc.data.pgbouncer
      mode, port, source = settings.client_tls_sslmode or "disable", tonumber(settings.listen_port) or 6432, doc.path
    end
    mode = tostring(mode):lower()
    assay.judge_exposed_tls(ctx, { port = port, tls_on = TLS_ON[mode] == true, setting = "client_tls_sslmode = " .. mode, source = source },
      "PgBouncer")
  end,
}
