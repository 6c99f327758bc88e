-- No maxmemory: Redis grows until the kernel or the container runtime kills it.
return assay.check {
  id = "REDISCONF-MAXMEMORY",
  title = "Redis has a memory cap",
  severity = "medium",
  category = "capacity",
  needs = { "files" },
  tags = { "files", "redis" },
  description = [[
With `maxmemory` unset or 0, Redis never evicts and never refuses writes: a cache grows until the
OOM killer ends it (with its data), and a container limit turns that into a restart loop. Set a
cap below the memory available and a `maxmemory-policy` that fits the use (allkeys-lru for a
cache, noeviction for a queue or store).]],
  references = {
    "https://redis.io/docs/latest/develop/reference/eviction/",
    "https://raw.githubusercontent.com/redis/redis/7.0/redis.conf",
  },
  remediation = [[
Cap memory below the container's limit and choose the eviction policy:

    maxmemory 512mb
    maxmemory-policy allkeys-lru     # a cache; noeviction for a broker or store]],
  run = function(ctx)
    local docs = assay.documents(ctx, "redis", "redis.conf")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local bytes = (doc.data.bytes or {}).maxmemory
      local written = doc.data.settings.maxmemory
      local policy = doc.data.settings["maxmemory-policy"] or "noeviction"
      local evidence = { file = doc.path, maxmemory = written, bytes = bytes, ["maxmemory-policy"] = policy }
      local resource = doc.path .. "#maxmemory"
      if written ~= nil and bytes == nil then
        ctx:error {
          resource = resource,
          message = "maxmemory " .. tostring(written) .. " is not a size Redis reads",
          evidence = evidence,
        }
      elseif (bytes or 0) == 0 then
        ctx:fail {
          resource = resource,
          message = (written == nil and "no maxmemory" or "maxmemory 0") .. " (policy " .. policy .. "): Redis grows until it is killed",
          evidence = evidence,
        }
      else
        ctx:pass {
          resource = resource,
          message = "maxmemory " .. tostring(written) .. ", policy " .. policy,
          evidence = evidence,
        }
      end
    end
  end,
}
