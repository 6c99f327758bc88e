-- A Redis that persists nothing is right for a cache and wrong for a task queue or a session
-- store: a restart (an upgrade, an OOM kill, a host reboot) silently drops every queued job and
-- logs every user out. Whether it is one is written in the applications' configuration, not in
-- Redis: this rule reads both, the compose environments and .env files of the stack against the
-- Redis they point at (its live settings when it runs, else its redis.conf).

-- Words of a variable's name (split at "_") that make its Redis URL a broker, a result backend, a
-- queue or a session store, in the order they are tried.
local USE_WORDS = {
  { "CELERY", "Celery broker" }, { "BROKER", "task broker" }, { "RESULT_BACKEND", "task results" },
  { "SIDEKIQ", "Sidekiq queue" }, { "RQ", "RQ queue" }, { "QUEUE", "job queue" }, { "JOB", "job queue" },
  { "JOBS", "job queue" }, { "SESSION", "session store" }, { "SESSIONS", "session store" }, { "BULL", "Bull queue" },
  { "RESQUE", "Resque queue" },
}
-- Commands that make a service's plain REDIS_URL a queue: a Celery, RQ, Sidekiq or Resque worker.
local WORKER_COMMANDS = { "celery", "rq worker", "rqworker", "sidekiq", "resque", "bull" }

local function use_of(key, value, command)
  if type(value) ~= "string" or not value:lower():match("^rediss?://") then return nil end
  local words = "_" .. key:upper() .. "_"
  for _, w in ipairs(USE_WORDS) do
    if words:find("_" .. w[1] .. "_", 1, true) then return w[2] end
  end
  for _, c in ipairs(WORKER_COMMANDS) do
    if command:lower():find(c, 1, true) then return c .. " worker's Redis" end
  end
  return nil
end

-- The port a redis:// URL names (6379 when none).
local function url_port(url)
  local authority = url:match("^rediss?://([^/?#]*)") or ""
  authority = authority:match("@([^@]*)$") or authority
  return tonumber(authority:match(":(%d+)$")) or 6379
end

local function command_text(svc)
  local parts = {}
  for _, key in ipairs({ "command", "entrypoint" }) do
    local v = svc[key]
    if type(v) == "string" then parts[#parts + 1] = v end
    if type(v) == "table" then for _, w in ipairs(v) do parts[#parts + 1] = tostring(w) end end
  end
  return table.concat(parts, " ")
end

-- Every use of a Redis URL as a store, from every files target: { what, where, port }.
local function uses(ctx)
  local found = {}
  for _, files in ipairs(ctx:targets("files")) do
    for _, doc in ipairs(files:configs("compose")) do
      local services = doc.data and type(doc.data.services) == "table" and doc.data.services or {}
      for name, svc in assay.sorted_pairs(services) do
        if type(svc) == "table" and type(svc.environment) == "table" then
          local command = command_text(svc)
          for key, value in assay.sorted_pairs(svc.environment) do
            local what = use_of(key, value, command)
            if what then found[#found + 1] = { what = what, where = "compose/services." .. name .. " " .. key, port = url_port(value) } end
          end
        end
      end
    end
    for _, env in ipairs(files:configs("dotenv")) do
      for key, value in assay.sorted_pairs(env.data and env.data.variables) do
        local what = use_of(key, value, "")
        if what then found[#found + 1] = { what = what, where = env.path .. " " .. key, port = url_port(value) } end
      end
    end
  end
  return found
end

-- Whether this Redis persists, how, and its port, from the live server or else its file.
local function persistence(ctx)
  local live = ctx.component:live()
  if live then
    local cfg, err = live:config_get("*")
    if not cfg then return nil, "cannot read CONFIG GET *: " .. err end
    local port = tonumber(cfg.port) or tonumber(live.address:match(":(%d+)")) or 6379
    return { aof = cfg.appendonly == "yes", save = cfg.save or "", port = port, source = "the running server" }
  end
  for _, doc in ipairs(ctx.component:documents("redis")) do
    if doc.data then
      local s = doc.data.settings
      -- Redis 7's default schedule when redis.conf has no save line.
      local save = s.save
      if save == nil then save = "3600 1 300 100 60 10000" end
      if save == '""' or save == "''" then save = "" end
      return { aof = (s.appendonly or "no"):lower() == "yes", save = save, port = tonumber(s.port) or 6379, source = doc.path }
    end
  end
  return nil, "no readable redis.conf"
end

return assay.check {
  id = "REDIS-STORE-UNPERSISTED",
  title = "A Redis the applications use as a queue or session store persists its data",
  severity = "high",
  category = "resilience",
  needs = { "redis", "files" },
  component = "redis",
  tags = { "redis", "persistence", "compose", "cross-component" },
  references = {
    "https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/",
    "https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html",
  },
  remediation = "Turn persistence on for this Redis, in redis.conf:\n\n    appendonly yes\n    appendfsync everysec\n\n"
    .. "or move the queue or the sessions to a Redis that persists, and keep the cache on this one.",
  run = function(ctx)
    local found = uses(ctx)
    local facts, err = persistence(ctx)
    if not facts then return ctx:skip { message = ctx.component.name .. ": " .. err } end
    local mine = {}
    for _, u in ipairs(found) do if u.port == facts.port then mine[#mine + 1] = u end end
    if #mine == 0 then
      return ctx:skip { resource = "persistence", message = "no application of the stack uses " .. ctx.component.name
        .. " (port " .. facts.port .. ") as a queue or session store" }
    end
    local described = {}
    for _, u in ipairs(mine) do described[#described + 1] = u.where .. " (" .. u.what .. ")" end
    local evidence = { uses = described, appendonly = facts.aof, save = facts.save, source = facts.source }
    if facts.aof or facts.save ~= "" then
      ctx:pass { resource = "persistence", evidence = evidence,
                 message = "used as " .. mine[1].what .. " and persisted (" .. (facts.aof and "appendonly yes" or 'save "' .. facts.save .. '"')
                   .. ", per " .. facts.source .. ")" }
    else
      ctx:fail { resource = "persistence", evidence = evidence,
                 message = table.concat(described, ", ") .. " use" .. (#mine == 1 and "s" or "") .. " this Redis, which persists nothing"
                   .. ' (appendonly no, save "", per ' .. facts.source .. "): a restart loses every queued job and session" }
    end
  end,
}
