-- Without TLS, passwords (for `password`) and all data cross the network in clear text.
return assay.check {
  id = "PG-SSL",
  title = "TLS is on when PostgreSQL listens beyond loopback",
  severity = "high",
  category = "security",
  needs = { "postgres" },
  tags = { "postgres", "tls", "network" },
  references = { "https://www.postgresql.org/docs/current/ssl-tcp.html" },
  remediation = "Set in postgresql.conf (with a certificate and key), restart, and use hostssl rules:\n\n    ssl = on\n    ssl_cert_file = 'server.crt'\n    ssl_key_file = 'server.key'\n\nor listen on loopback only: listen_addresses = 'localhost'.",
  run = function(ctx)
    local settings = ctx.target:settings()
    local ssl, listen = settings.ssl, settings.listen_addresses
    if ssl == nil or listen == nil then
      ctx:error { message = "pg_settings has no ssl or listen_addresses" }
      return
    end
    local beyond = {}
    for address in listen.setting:gmatch("[^,%s]+") do
      if not assay.is_loopback(address) then beyond[#beyond + 1] = address end
    end
    local evidence = { ssl = ssl.setting, listen_addresses = listen.setting }
    if ssl.setting == "on" then
      ctx:pass { resource = "setting/ssl", evidence = evidence, message = "ssl = on" }
    elseif #beyond == 0 then
      ctx:pass { resource = "setting/ssl", evidence = evidence,
                 message = "ssl = off, but PostgreSQL listens on loopback only (listen_addresses = '" .. listen.setting .. "')" }
    else
      ctx:fail { resource = "setting/ssl", evidence = evidence,
                 message = "ssl = off while PostgreSQL listens on " .. table.concat(beyond, ", ") .. ": passwords and data cross the network in clear text" }
    end
  end,
}
