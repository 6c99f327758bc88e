-- A production compose file that builds a development stage ships dev tools and debug settings.
local DEV_WORDS = { dev = true, development = true, develop = true, debug = true, test = true, testing = true, ["local"] = true }
local DEV_FILES = {
  dev = true, development = true, develop = true, override = true, test = true, testing = true, ["local"] = true, ci = true,
  debug = true,
}

local function has_word(text, words)
  for word in text:lower():gmatch("[%a]+") do
    if words[word] then return true end
  end
  return false
end

return assay.check {
  id = "COMPOSE-DEV-TARGET",
  title = "Production compose files build production stages",
  severity = "low",
  category = "maintenance",
  needs = { "files" },
  tags = { "files", "compose", "docker" },
  description = [[
`build.target: development` (or dev, debug, test) in a compose file meant for production builds
the stage with compilers, debuggers, test dependencies and debug settings. Files whose name marks
them as development files (`docker-compose.dev.yml`, `compose.override.yml`, `*.test.yml`, …)
are not judged.]],
  references = {
    "https://docs.docker.com/reference/compose-file/build/#target",
    "https://docs.docker.com/build/building/multi-stage/",
  },
  remediation = [[
Build the production stage in the production file and keep the development stage in an override:

    # docker-compose.yml
    services:
      api:
        build:
          context: .
          target: production

    # docker-compose.dev.yml
    services:
      api:
        build:
          target: development]],
  run = function(ctx)
    local docs = assay.documents(ctx, "compose", "docker compose file")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local file = doc.path:match("([^/]*)$")
      if has_word(file, DEV_FILES) then
        ctx:skip { resource = doc.path, message = file .. " is a development file" }
      else
        local judged = 0
        for _, s in ipairs(assay.compose_services(doc, docs)) do
          local name, resource, build = s.name, s.resource, s.service.build
          local target = type(build) == "table" and build.target or nil
          if type(target) == "string" then
            judged = judged + 1
            local evidence = {
              file = doc.path,
              line = doc.data.lines["services." .. name .. ".build"],
              target = target,
            }
            if has_word(target, DEV_WORDS) then
              ctx:fail {
                resource = resource,
                message = name .. " builds the " .. target .. " stage in " .. file,
                evidence = evidence,
              }
            else
              ctx:pass {
                resource = resource,
                message = name .. " builds the " .. target .. " stage",
                evidence = evidence,
              }
            end
          end
        end
        if judged == 0 then
          ctx:skip { resource = doc.path, message = "no service of " .. doc.path .. " names a build target" }
        end
      end
    end
  end,
}
