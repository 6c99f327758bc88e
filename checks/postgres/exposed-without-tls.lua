-- A PostgreSQL published by compose on every interface must speak TLS (ssl = on), or passwords
-- (md5 and password methods) and every row cross the network readable.

return assay.check {
  id = "PG-EXPOSED-WITHOUT-TLS",
  title = "A PostgreSQL published on every interface has TLS on",
  severity = "high",
  category = "security",
  needs = { "postgres", "files" },
  component = "postgres",
  tags = { "postgres", "tls", "compose", "network", "cross-component" },
  references = {
    "https://www.postgresql.org/docs/current/ssl-tcp.html",
    "https://docs.docker.com/reference/compose-file/services/#ports",
  },
  remediation = "Publish the database on the address its clients use only, in docker-compose.yml:\n\n"
    .. "    ports:\n      - \"127.0.0.1:5432:5432\"\n\n"
    .. "or turn TLS on, in postgresql.conf (and require it with hostssl lines in pg_hba.conf):\n\n    ssl = on",
  run = function(ctx)
    local live = ctx.component:live()
    local on, port, source
    if live then
      local settings = live:settings()
      on = settings.ssl and settings.ssl.setting == "on"
      port, source = tonumber(settings.port and settings.port.setting) or 5432, "the running server"
    else
      local docs = {}
      for _, doc in ipairs(ctx.component:documents("postgresql")) do if doc.data then docs[#docs + 1] = doc end end
      local servers = assay.postgresql_servers(docs)
      if #servers == 0 then return ctx:skip { message = ctx.component.name .. " has no readable postgresql.conf" } end
      local s = servers[1].settings
      on = s.ssl ~= nil and s.ssl.s.bool == true
      port = s.port and tonumber(s.port.s.number) or 5432
      source = servers[1].main
    end
    assay.judge_exposed_tls(ctx, { port = port, tls_on = on, setting = "ssl = " .. (on and "on" or "off"), source = source },
      "PostgreSQL")
  end,
}
