-- Environment switches and flags that turn a server's authentication off.
-- bad: values (lower case) that disable security; any: every non-empty value does.
local VARIABLES = {
  { key = "xpack.security.enabled", bad = { ["false"] = true }, what = "Elasticsearch security (authentication, TLS) is off" },
  { key = "plugins.security.disabled", bad = { ["true"] = true }, what = "the OpenSearch security plugin is off" },
  { key = "DISABLE_SECURITY_PLUGIN", bad = { ["true"] = true }, what = "the OpenSearch security plugin is off" },
  { key = "POSTGRES_HOST_AUTH_METHOD", bad = { trust = true }, what = "the postgres image trusts every host: no password is asked" },
  { key = "AUTH_TYPE", bad = { trust = true, any = true }, what = "PgBouncer asks no password" },
  { key = "MYSQL_ALLOW_EMPTY_PASSWORD", any = true, what = "MySQL's root account has no password" },
  { key = "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", any = true, what = "MariaDB's root account has no password" },
  { key = "ALLOW_EMPTY_PASSWORD", any = true, what = "the (Bitnami) image accepts an empty password" },
}
local FLAGS = {
  { pattern = "xpack%.security%.enabled=false", what = "Elasticsearch security is off" },
  { pattern = "%-%-protected%-mode[%s=]+no", what = "Redis protected mode is off" },
  { pattern = "%-%-skip%-grant%-tables", what = "MySQL checks no privilege" },
}

local function text_of(value)
  if type(value) == "string" then return value end
  if type(value) ~= "table" then return "" end
  local parts = {}
  for _, v in ipairs(value) do parts[#parts + 1] = tostring(v) end
  return table.concat(parts, " ")
end

-- Whether an environment value turns the switch on. Values under secret-looking names (such as
-- ALLOW_EMPTY_PASSWORD) arrive as descriptions: only "set or not" is known.
local function disables(rule, value)
  if type(value) == "table" and value.redacted then return rule.any and value.set end
  if type(value) ~= "string" then return false end
  if rule.any then return value ~= "" end
  return rule.bad[value:lower()] == true
end

return assay.check {
  id = "COMPOSE-SECURITY-DISABLED",
  title = "No service turns its server's security off",
  severity = "critical",
  category = "security",
  needs = { "files" },
  tags = { "files", "compose", "docker" },
  description = [[
Images are often started with security switched off "for now": `xpack.security.enabled=false`,
`POSTGRES_HOST_AUTH_METHOD=trust`, `MYSQL_ALLOW_EMPTY_PASSWORD`, `ALLOW_EMPTY_PASSWORD=yes`,
`AUTH_TYPE=trust` for PgBouncer images, `--protected-mode no` or `--skip-grant-tables` on the
command line. Anyone who reaches the port then owns the data.]],
  references = {
    "https://www.elastic.co/guide/en/elasticsearch/reference/current/security-settings.html",
    "https://hub.docker.com/_/postgres",
    "https://hub.docker.com/_/mysql",
    "https://www.pgbouncer.org/config.html#auth_type",
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/",
  },
  remediation = [[
Remove the switch and configure credentials instead, for example:

    services:
      elasticsearch:
        environment:
          xpack.security.enabled: "true"
          ELASTIC_PASSWORD: ${ELASTIC_PASSWORD:?set it in .env}
      postgres:
        environment:
          POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}   # and no POSTGRES_HOST_AUTH_METHOD]],
  run = function(ctx)
    assay.each_service(ctx, function(s, doc)
      local name, resource, svc = s.name, s.resource, s.service
      local env = type(svc.environment) == "table" and svc.environment or {}
      local found = {}
      for _, rule in ipairs(VARIABLES) do
        if disables(rule, env[rule.key]) then found[#found + 1] = rule.key .. ": " .. rule.what end
      end
      local command = text_of(svc.command) .. " " .. text_of(svc.entrypoint)
      for _, flag in ipairs(FLAGS) do
        if command:find(flag.pattern) then found[#found + 1] = "command: " .. flag.what end
      end
      if #found > 0 then
        ctx:fail {
          resource = resource,
          message = name .. " turns security off (" .. table.concat(found, "; ") .. ")",
          evidence = { file = doc.path, line = doc.data.lines["services." .. name], found = found },
        }
      else
        ctx:pass { resource = resource, message = name .. " turns no known security switch off" }
      end
    end)
  end,
}
