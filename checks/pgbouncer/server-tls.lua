-- Between PgBouncer and PostgreSQL travel every query and the server passwords.
return assay.check {
  id = "PGB-SERVER-TLS",
  title = "PgBouncer verifies TLS to remote servers",
  severity = "medium",
  category = "security",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "tls", "network" },
  references = { "https://www.pgbouncer.org/config.html#server_tls_sslmode" },
  remediation = "Set in pgbouncer.ini and reload:\n\n    server_tls_sslmode = verify-full\n    server_tls_ca_file = /etc/pgbouncer/root.crt",
  description = "When a database lives on another host: disable or allow is medium, prefer, require or verify-ca is low (no check of the server's name), verify-full passes. Databases reached over loopback or a unix socket pass.",
  run = function(ctx)
    local mode = ctx.target:config().server_tls_sslmode or "disable"
    local remote = {}
    for _, db in ipairs(assay.pgbouncer_databases(ctx.target)) do
      local host = db.host or ""
      if not (host == "" or host:sub(1, 1) == "/" or assay.is_loopback(host)) then remote[#remote + 1] = db.name .. " (" .. host .. ")" end
    end
    table.sort(remote)
    local evidence = { server_tls_sslmode = mode, remote_databases = remote }
    local resource = "setting/server_tls_sslmode"
    if mode == "verify-full" then
      ctx:pass { resource = resource, evidence = evidence, message = "server_tls_sslmode = verify-full" }
    elseif #remote == 0 then
      ctx:pass { resource = resource, evidence = evidence,
                 message = "server_tls_sslmode = " .. mode .. ", but every database is reached over loopback or a unix socket" }
    else
      local weak = mode == "disable" or mode == "allow"
      ctx:fail { resource = resource, evidence = evidence, severity = weak and "medium" or "low",
                 message = "server_tls_sslmode = " .. mode .. " for remote databases " .. table.concat(remote, ", ") .. ": " ..
                   (weak and "traffic to PostgreSQL may be unencrypted" or "the server's certificate and name are not both verified") }
    end
  end,
}
