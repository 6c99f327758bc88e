-- protected-mode no: Redis answers every client, also without a password.
return assay.check {
  id = "REDISCONF-PROTECTED-MODE",
  title = "Redis protected mode is on",
  severity = "high",
  category = "security",
  needs = { "files" },
  tags = { "files", "redis" },
  description = [[
Protected mode is Redis's last line of defence: while the default user has no password and no
`bind` is set, it refuses clients from other hosts. `protected-mode no` removes it, and a
misconfigured bind or password then exposes the data to anyone who reaches the port.]],
  references = {
    "https://redis.io/docs/latest/operate/oss_and_stack/management/security/#protected-mode",
    "https://raw.githubusercontent.com/redis/redis/7.0/redis.conf",
  },
  remediation = [[
Keep protected mode on (the default) and set a password or ACL users:

    protected-mode yes]],
  run = function(ctx)
    local docs = assay.documents(ctx, "redis", "redis.conf")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local written = doc.data.settings["protected-mode"]
      local value = written and tostring(written):lower() or "yes"
      local evidence = { file = doc.path, ["protected-mode"] = value, default = written == nil }
      for _, d in ipairs(doc.data.directives or {}) do
        if d.name == "protected-mode" then evidence.line = d.line end
      end
      local resource = doc.path .. "#protected-mode"
      if value == "no" then
        ctx:fail {
          resource = resource,
          message = "protected-mode no: Redis answers clients from any host",
          evidence = evidence,
        }
      else
        ctx:pass {
          resource = resource,
          message = "protected-mode " .. value .. (written == nil and " (the default)" or ""),
          evidence = evidence,
        }
      end
    end
  end,
}
