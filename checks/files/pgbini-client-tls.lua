-- PgBouncer listening beyond loopback without requiring TLS from clients.
local WEAK = { disable = true, allow = true, prefer = true }

return assay.check {
  id = "PGBINI-CLIENT-TLS",
  title = "PgBouncer requires TLS from clients beyond loopback",
  severity = "high",
  category = "security",
  needs = { "files" },
  tags = { "files", "pgbouncer" },
  description = [[
When `listen_addr` reaches beyond loopback, passwords (plain or the MD5 challenge) and every query
and result cross the network. `client_tls_sslmode` = `disable` (the default), `allow` or `prefer`
lets clients connect without TLS; `require` or `verify-*` does not. Without `listen_addr`
PgBouncer accepts only unix-socket connections.]],
  references = {
    "https://www.pgbouncer.org/config.html#listen_addr",
    "https://www.pgbouncer.org/config.html#client_tls_sslmode",
  },
  remediation = [[
Require TLS from clients (or listen on loopback only):

    [pgbouncer]
    client_tls_sslmode = require
    client_tls_key_file = /etc/pgbouncer/server.key
    client_tls_cert_file = /etc/pgbouncer/server.crt]],
  run = function(ctx)
    local docs = assay.documents(ctx, "pgbouncer", "pgbouncer.ini")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local pgb = doc.data.pgbouncer
      local listen = pgb.listen_addr and tostring(pgb.listen_addr) or ""
      local outside = {}
      for addr in listen:gmatch("[^,%s]+") do
        if not assay.is_loopback(addr:lower()) then outside[#outside + 1] = addr end
      end
      local mode = pgb.client_tls_sslmode and tostring(pgb.client_tls_sslmode):lower() or "disable"
      local resource = doc.path .. "#client_tls_sslmode"
      local evidence = {
        file = doc.path, line = doc.data.lines["pgbouncer.client_tls_sslmode"] or doc.data.lines["pgbouncer.listen_addr"],
        listen_addr = listen, client_tls_sslmode = mode, default = pgb.client_tls_sslmode == nil,
      }
      if #outside == 0 then
        ctx:pass {
          resource = resource,
          message = listen == "" and "no listen_addr: unix sockets only" or "listens on loopback only (" .. listen .. ")",
          evidence = evidence,
        }
      elseif WEAK[mode] then
        ctx:fail {
          resource = resource,
          message = "listen_addr = " .. listen .. " with client_tls_sslmode = " .. mode .. (pgb.client_tls_sslmode == nil and " (the default)" or "")
            .. ": clients may send passwords and data unencrypted",
          evidence = evidence,
        }
      else
        ctx:pass {
          resource = resource,
          message = "client_tls_sslmode = " .. mode .. " on " .. listen,
          evidence = evidence,
        }
      end
    end
  end,
}
