-- How PgBouncer protects its connections to PostgreSQL.
local VERDICTS = {
  disable = { "medium", "connections to PostgreSQL are not encrypted" },
  allow = { "medium", "connections to PostgreSQL are not encrypted unless the server insists" },
  prefer = { "low", "encryption falls back to plain TCP and the server's certificate is not checked" },
  require = { "low", "the server's certificate is not checked: a man in the middle is not noticed" },
  ["verify-ca"] = { "low", "the server's host name is not checked against its certificate" },
}

-- Whether every server is reached over a unix socket or loopback, where TLS adds nothing.
local function local_only(databases)
  local any = false
  for _, db in pairs(databases or {}) do
    any = true
    local host = type(db) == "table" and db.host or nil
    if host ~= nil then
      for h in tostring(host):gmatch("[^,%s]+") do
        if not (h:sub(1, 1) == "/" or assay.is_loopback(h)) then return false end
      end
    end
  end
  return any
end

return assay.check {
  id = "PGBINI-SERVER-TLS",
  title = "PgBouncer verifies PostgreSQL's certificate",
  severity = "medium",
  category = "security",
  needs = { "files" },
  tags = { "files", "pgbouncer", "postgres" },
  description = [[
`server_tls_sslmode`: `disable`/`allow` send credentials and data to PostgreSQL in clear text
(medium); `prefer` (the default since PgBouncer 1.20; `disable` before), `require` and
`verify-ca` encrypt but do not fully authenticate the server (low); `verify-full` passes, as does
a configuration whose servers are all on unix sockets or loopback.]],
  references = {
    "https://www.pgbouncer.org/config.html#server_tls_sslmode",
    "https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION",
  },
  remediation = [[
Verify the server against its CA and host name:

    [pgbouncer]
    server_tls_sslmode = verify-full
    server_tls_ca_file = /etc/pgbouncer/root.crt]],
  run = function(ctx)
    local docs = assay.documents(ctx, "pgbouncer", "pgbouncer.ini")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local written = doc.data.pgbouncer.server_tls_sslmode
      local mode = written and tostring(written):lower() or nil
      local resource = doc.path .. "#server_tls_sslmode"
      local evidence = {
        file = doc.path,
        line = doc.data.lines["pgbouncer.server_tls_sslmode"],
        server_tls_sslmode = mode or "(not set)",
      }
      if local_only(doc.data.databases) then
        ctx:pass { resource = resource, message = "every server is on a unix socket or loopback", evidence = evidence }
      elseif mode == nil then
        ctx:fail {
          resource = resource,
          message = "server_tls_sslmode is not set: the default is disable before PgBouncer 1.20 and prefer since; neither checks the server",
          evidence = evidence,
        }
      elseif VERDICTS[mode] then
        ctx:fail {
          resource = resource,
          severity = VERDICTS[mode][1],
          message = "server_tls_sslmode = " .. mode .. ": " .. VERDICTS[mode][2],
          evidence = evidence,
        }
      else
        ctx:pass { resource = resource, message = "server_tls_sslmode = " .. mode, evidence = evidence }
      end
    end
  end,
}
