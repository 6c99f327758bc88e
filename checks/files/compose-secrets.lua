-- Secrets in a compose file: written inline, empty, or a well-known default.

-- Every secret description in the document (tables with redacted = true), with its dotted path.
local function collect(value, path, out)
  if type(value) ~= "table" then return end
  if value.redacted == true then
    out[#out + 1] = { path = path, secret = value }
    return
  end
  for _, k in ipairs(assay.sorted_keys(value, function(a, b) return tostring(a) < tostring(b) end)) do
    if not (path == "" and (k == "lines" or k == "interpolation")) then
      collect(value[k], path == "" and tostring(k) or path .. "." .. tostring(k), out)
    end
  end
end

return assay.check {
  id = "COMPOSE-SECRETS",
  title = "Compose secrets are neither inline, empty nor well-known defaults",
  severity = "high",
  category = "secrets",
  needs = { "files" },
  tags = { "files", "compose", "secrets" },
  description = [[
A password written in the compose file is in every clone of the repository and every backup of
it; an empty password or a well-known default (`postgres`, `password`, `change_me…`, anything
shorter than 8 characters) is the first thing an attacker tries. Values under secret-looking
keys (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, …) anywhere in the file are judged, also when they come
from `${…}`: the service runs with them. The values themselves are never read by the check.]],
  references = {
    "https://docs.docker.com/compose/how-tos/use-secrets/",
    "https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/",
    "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
  },
  remediation = [[
Take the secret from the environment and require it, or use compose secrets:

    services:
      postgres:
        environment:
          POSTGRES_PASSWORD_FILE: /run/secrets/pg_password
        secrets: [pg_password]
    secrets:
      pg_password:
        file: ./secrets/pg_password.txt    # not in the repository, mode 0600

or `POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}` with a generated value.]],
  run = function(ctx)
    local docs = assay.documents(ctx, "compose", "docker compose file")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local found = {}
      collect(doc.data, "", found)
      if #found == 0 then ctx:skip { resource = doc.path, message = doc.path .. " holds no secret-looking key" } end
      for _, item in ipairs(found) do
        local s = item.secret
        local resource = (#docs > 1 and doc.path .. "#" or "compose/") .. item.path
        local a, b, c = item.path:match("^([^.]+)%.?([^.]*)%.?([^.]*)")
        local line = doc.data.lines[(table.concat({ a, b, c }, "."):gsub("%.+$", ""))] or doc.data.lines[a]
        local evidence = {
          file = doc.path,
          line = line,
          source = s.source,
          form = s.form,
          length = s.length,
          weak = s.weak,
        }
        local problem
        if not s.set or s.form == "empty" then
          problem = "is empty"
        elseif s.weak then
          problem = "is a well-known default or shorter than 8 characters"
        elseif s.source == "inline" and s.form == "plain" then
          problem = "is written in the compose file"
        end
        if problem then
          ctx:fail { resource = resource, message = item.path .. " " .. problem, evidence = evidence }
        elseif s.source == "interpolated" then
          ctx:pass {
            resource = resource,
            message = item.path .. " comes from ${…} and is not a known default",
            evidence = evidence,
          }
        else
          ctx:pass {
            resource = resource,
            message = item.path .. " is not plain text (" .. tostring(s.form) .. ")",
            evidence = evidence,
          }
        end
      end
    end
  end,
}
