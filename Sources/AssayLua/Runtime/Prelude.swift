/// The Lua side of the check API, run first in every sandbox (chunk name `=assay`).
///
/// It captures the host function and removes it from the globals, defines `assay.check`,
/// the target handle and the `ctx` object, and returns the entry point the host calls:
/// `entry(run, spec)`. Every method ends in one host function, as `redis.call` does in Redis.
enum Prelude {
    static let chunkName = "=assay"

    /// The prelude compiled once per process: every sandbox loads it without parsing it again.
    static let compiled: [UInt8] = {
        guard let sandbox = LuaSandbox(limits: SandboxLimits(), host: { _, _, _ in .values([]) }),
            case .success = sandbox.run(Array(source.utf8), name: chunkName, mode: .textKeepingCompiled)
        else { return [] }
        return sandbox.compiledChunk
    }()

    static let source = #"""
local host = __assay_host
__assay_host = nil
local type, error, tostring, ipairs = type, error, tostring, ipairs
local pack, concat = table.pack, table.concat
local rawget, raw_setmetatable = rawget, setmetatable

-- Finalizers run with debug hooks off, so a looping __gc could never be stopped: refuse them.
-- (Lua marks an object for finalization only when its metatable has __gc at setmetatable time.)
_G.setmetatable = function(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("__gc metamethods are not allowed in checks", 2)
  end
  return raw_setmetatable(t, mt)
end

function print(...)
  local parts = pack(...)
  for i = 1, parts.n do parts[i] = tostring(parts[i]) end
  host("log", concat(parts, "\t", 1, parts.n))
end

assay = {}

--- Declares a check. The descriptor is validated by the host when the file loads.
function assay.check(descriptor)
  if type(descriptor) ~= "table" then
    error("assay.check expects a table: assay.check { id = ..., run = function(ctx) ... end }", 2)
  end
  descriptor.__line = host("line")
  return descriptor
end

-- A target handle: ctx.target, or an element of ctx:targets(kind).
local Target = {}
Target.__index = Target
local setmetatable = raw_setmetatable

local function call(target, op, ...)
  return host("call", target.name, op, ...)
end

function Target:call(op, ...) return call(self, op, ...) end

-- postgres
function Target:query(sql, ...) return call(self, "query", sql, pack(...)) end
function Target:settings() return call(self, "settings") end
function Target:setting(name)
  local s = call(self, "settings")[name]
  return s and s.setting
end
function Target:version() return call(self, "version") end

-- pgbouncer (the admin console)
function Target:show(what) return call(self, "show", what) end
function Target:pools() return self:show("POOLS") end
function Target:stats() return self:show("STATS") end
function Target:databases() return self:show("DATABASES") end
function Target:servers() return self:show("SERVERS") end
function Target:clients() return self:show("CLIENTS") end
function Target:mem() return self:show("MEM") end
function Target:config()
  local map = {}
  for _, row in ipairs(self:show("CONFIG")) do map[row.key] = row.value end
  return map
end
function Target:lists()
  local map = {}
  for _, row in ipairs(self:show("LISTS")) do map[row.list] = row.items end
  return map
end

-- redis
function Target:command(...) return call(self, "command", ...) end
function Target:info(section) return call(self, "info", section) end
function Target:config_get(pattern) return call(self, "config_get", pattern) end
function Target:acl_list() return call(self, "acl_list") end
function Target:slowlog(count) return call(self, "slowlog", count) end
function Target:client_list() return call(self, "client_list") end
function Target:role() return call(self, "role") end
function Target:dbsize() return call(self, "command", "DBSIZE") end
function Target:latency_doctor() return call(self, "command", "LATENCY", "DOCTOR") end
function Target:memory_doctor() return call(self, "command", "MEMORY", "DOCTOR") end

-- docker
function Target:get(path) return call(self, "get", path) end
function Target:containers() return call(self, "containers") end
function Target:container(id) return call(self, "container", id) end
function Target:image(id) return call(self, "image", id) end
function Target:networks() return call(self, "networks") end
function Target:engine_info() return call(self, "info") end

-- files
function Target:configs(kind) return call(self, "configs", kind) end
function Target:file(path) return call(self, "file", path) end
function Target:list() return call(self, "list") end

-- The context a check's run function receives.
local Context = {}
Context.__index = Context

local function report(status, finding)
  if finding == nil then
    finding = {}
  elseif type(finding) == "string" then
    finding = { message = finding }
  elseif type(finding) ~= "table" then
    error("ctx:" .. status .. " expects a table or a message string", 3)
  end
  host("finding", status, finding)
end

function Context:pass(finding) report("pass", finding) end
function Context:fail(finding) report("fail", finding) end
function Context:error(finding) report("error", finding) end
function Context:skip(finding) report("skip", finding) end
function Context:log(...) print(...) end

function Context:input(name, default)
  local value = host("input", name)
  if value == nil then return default end
  return value
end

function Context:targets(kind)
  local list = host("targets", kind)
  for i, t in ipairs(list) do list[i] = raw_setmetatable(t, Target) end
  return list
end

return function(run, spec)
  local ctx = raw_setmetatable({ target = raw_setmetatable(spec.target, Target), check = spec.check }, Context)
  run(ctx)
end
"""#
}
