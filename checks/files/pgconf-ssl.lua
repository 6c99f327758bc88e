-- PostgreSQL listening beyond localhost with SSL off.

local LOCAL = { localhost = true, ["127.0.0.1"] = true, ["::1"] = true }

return assay.check {
  id = "PGCONF-SSL",
  title = "PostgreSQL uses SSL when it listens beyond localhost",
  severity = "high",
  category = "security",
  needs = { "files" },
  tags = { "files", "postgres" },
  description = [[
With `listen_addresses` beyond localhost and `ssl = off` (the default), every connection (the
SCRAM exchange aside: md5 and password methods, queries and results) crosses the network
unencrypted, and pg_hba `hostssl` rules cannot be used.]],
  references = {
    "https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-SSL",
    "https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-LISTEN-ADDRESSES",
    "https://www.postgresql.org/docs/current/ssl-tcp.html",
  },
  remediation = [[
Turn SSL on with a certificate (and require it with hostssl rules in pg_hba.conf):

    ssl = on
    ssl_cert_file = 'server.crt'
    ssl_key_file = 'server.key'        # mode 0600, owned by postgres
    ssl_min_protocol_version = 'TLSv1.2']],
  run = function(ctx)
    local docs = assay.documents(ctx, "postgresql", "postgresql.conf")
    if not docs then return end
    -- One server per folder: postgresql.auto.conf (ALTER SYSTEM) wins over postgresql.conf.
    for _, server in ipairs(assay.postgresql_servers(docs)) do
      local listen = server.settings.listen_addresses
      local ssl = server.settings.ssl
      local addresses = listen and tostring(listen.s.value) or "localhost"
      local outside = {}
      for a in addresses:gmatch("[^,%s]+") do
        if not LOCAL[a:lower()] then outside[#outside + 1] = a end
      end
      local ssl_on = ssl ~= nil and ssl.s.bool == true
      local resource = (ssl and ssl.path or server.main) .. "#ssl"
      local evidence = {
        file = ssl and ssl.path or server.main, line = ssl and ssl.s.line, listen_addresses = addresses,
        ssl = ssl and ssl.s.value or "off (not set: the default)",
      }
      if #outside == 0 then
        ctx:pass {
          resource = resource,
          message = "listen_addresses = '" .. addresses .. "': local connections only",
          evidence = evidence,
        }
      elseif ssl_on then
        ctx:pass { resource = resource, message = "ssl = on", evidence = evidence }
      else
        ctx:fail {
          resource = resource,
          message = "ssl = " .. (ssl and ssl.s.value or "off (the default)") .. " while listen_addresses = '" .. addresses .. "': connections are unencrypted",
          evidence = evidence,
        }
      end
    end
  end,
}
