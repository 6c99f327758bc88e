-- Clients that reach PgBouncer over a network should not be allowed to talk in clear text.
return assay.check {
  id = "PGB-CLIENT-TLS",
  title = "Clients must use TLS when PgBouncer listens beyond loopback",
  severity = "high",
  category = "security",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "tls", "network" },
  references = { "https://www.pgbouncer.org/config.html#client_tls_sslmode" },
  remediation = "Set in pgbouncer.ini (with a certificate and key) and reload:\n\n    client_tls_sslmode = require\n    client_tls_cert_file = /etc/pgbouncer/server.crt\n    client_tls_key_file = /etc/pgbouncer/server.key\n\nor listen on loopback only: listen_addr = 127.0.0.1.",
  description = "Fails when listen_addr holds an address other than loopback and client_tls_sslmode is disable, allow or prefer (TLS optional).",
  run = function(ctx)
    local cfg = ctx.target:config()
    local listen, mode = cfg.listen_addr or "", cfg.client_tls_sslmode or "disable"
    local beyond = {}
    for address in listen:gmatch("[^,%s]+") do
      if not assay.is_loopback(address) then beyond[#beyond + 1] = address end
    end
    local evidence = { listen_addr = listen, client_tls_sslmode = mode }
    local optional = mode == "disable" or mode == "allow" or mode == "prefer"
    if optional and #beyond > 0 then
      ctx:fail { resource = "setting/client_tls_sslmode", evidence = evidence,
                 message = "client_tls_sslmode = " .. mode .. " while PgBouncer listens on " .. table.concat(beyond, ", ") ..
                   ": clients may send passwords and data in clear text" }
    elseif optional then
      ctx:pass { resource = "setting/client_tls_sslmode", evidence = evidence,
                 message = "client_tls_sslmode = " .. mode .. ", but PgBouncer listens on loopback or a unix socket only" }
    else
      ctx:pass { resource = "setting/client_tls_sslmode", evidence = evidence, message = "client_tls_sslmode = " .. mode }
    end
  end,
}
