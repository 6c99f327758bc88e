-- The prelude: the host's side of the contract with check scripts, run first in every sandbox
-- (chunk name "=assay"). Embedded in AssayLua (Package.swift: resources: .embedInCode), linted
-- with luac5.4 -p and luacheck, and tested like a check (Tests/AssayLuaTests/PreludeTests.swift).
--
-- What it receives (LuaShim_run gives these to this chunk only, never to a check):
--   host  the host function: host(OP.<operation>, ...) is the only way out of the sandbox
--   OP    the operation numbers of LuaShim.h's LUASHIM_HOST_OPERATIONS: call, finding, input,
--         targets, log, line, handle, components
-- What it gives checks: the global `assay` (assay.check and the helpers below) and `print`;
-- every other global is Lua's own, as allow-listed in Sources/LuaShim/Globals.c.
-- What it returns to the host: entry(run, spec), which builds `ctx` and calls run(ctx).
--
-- Where each part of the contract is enforced (stated there, next to the check):
--   descriptor fields   Sources/AssayLua/Checks/DescriptorValidator.swift (when the file loads)
--   finding fields      Sources/AssayLua/Checks/FindingRecorder.swift (at every ctx:pass/fail/...)
--   limits              Sources/AssayLua/Runtime/SandboxLimits.swift lists them: the Lua heap,
--                       instructions and deadline in Sources/LuaShim/Budget.c, what the host keeps
--                       in Sources/AssayLua/Checks/HostBudget.swift
--   metatables          Sources/LuaShim/Metatables.c (no __gc, __close, __mode; frozen copies)
local host, OP = ...
local type, error, tostring, ipairs, setmetatable = type, error, tostring, ipairs, setmetatable
local pack, concat = table.pack, table.concat

--- print(...): a line in the --verbose log (never in a report).
function print(...)
  local parts = pack(...)
  for i = 1, parts.n do parts[i] = tostring(parts[i]) end
  host(OP.log, concat(parts, "\t", 1, parts.n))
end

assay = {}

--- Declares a check. The descriptor is validated by the host when the file loads.
function assay.check(descriptor)
  if type(descriptor) ~= "table" then
    error("assay.check expects a table: assay.check { id = ..., run = function(ctx) ... end }", 2)
  end
  descriptor.__line = host(OP.line)
  return descriptor
end

-- MARK: - Target handles: ctx.target, and the elements of ctx:targets(kind)
-- Each kind's handle is built from its declaration (the kind's descriptor in AssayConnectors, a
-- HandleSpec), asked once per kind with host(OP.handle, kind): a handle has its kind's methods and
-- no others, each checks its arguments as declared, and every method ends in
-- host(OP.call, target name, operation, arguments...), answered by the target's connector. The
-- method tables cannot be reached: a handle's metatable answers getmetatable with a string.
local format, sort, unpack, math_type = string.format, table.sort, table.unpack, math.type
local handle_metatables = {}

local accepts = {
  string = function(v) return type(v) == "string" end,
  integer = function(v) return math_type(v) == "integer" end,
  number = function(v) return type(v) == "number" end,
  boolean = function(v) return type(v) == "boolean" end,
  table = function(v) return type(v) == "table" end,
  scalar = function(v) local t = type(v) return t == "string" or t == "number" or t == "boolean" end,
}

-- Raises Lua's own "bad argument" error at the check's line (level 3: the check called the method).
local function check_argument(method, index, param, value)
  if value == nil then
    if param.optional then return end
    error(format("bad argument #%d to '%s' (%s expected, got no value)", index, method, param.type), 3)
  end
  if not accepts[param.type](value) then
    error(format("bad argument #%d to '%s' (%s expected, got %s)", index, method, param.type, type(value)), 3)
  end
end

local shapes = {
  answer = function(_, answer, err) return answer, err end,
  map = function(result, answer, err)
    if answer == nil then return nil, err end
    local map = {}
    for _, row in ipairs(answer) do map[row[result.key]] = row[result.value] end
    return map
  end,
  field = function(result, answer, err, first)
    if answer == nil then return nil, err end
    local member = answer[first]
    return member and member[result.field]
  end,
}

local function make_method(kind, m)
  local name, op, fixed, params, result = m.name, m.op, m.fixed, m.params, m.result
  local shape, nfixed, nparams = shapes[result.shape], #fixed, #params
  local variadic = nparams > 0 and params[nparams].variadic
  return function(self, ...)
    if type(self) ~= "table" or rawget(self, "kind") ~= kind then
      error(format("%s is a method of %s targets: call it as target:%s(...)", name, kind, name), 2)
    end
    local args = pack(...)
    if not variadic and args.n > nparams then
      error(format("bad argument #%d to '%s' (%s takes %d argument%s)", nparams + 1, name, name, nparams, nparams == 1 and "" or "s"), 2)
    end
    local out, n = {}, nfixed
    for i = 1, nfixed do out[i] = fixed[i] end
    for i, param in ipairs(params) do
      if param.variadic then
        local rest = { n = 0 }
        for j = i, args.n do
          check_argument(name, j, param, args[j])
          rest.n = rest.n + 1
          rest[rest.n] = args[j]
        end
        n = n + 1
        out[n] = rest
      else
        check_argument(name, i, param, args[i])
        n = n + 1
        out[n] = args[i]
      end
    end
    -- A "field" method picks from the whole answer: its argument names the member, it is not sent.
    if result.shape == "field" then n = nfixed end
    local answer, err = host(OP.call, self.name, op, unpack(out, 1, n))
    return shape(result, answer, err, args[1])
  end
end

local function handle_metatable(kind)
  local metatable = handle_metatables[kind]
  if metatable then return metatable end
  local methods, names = {}, {}
  for _, m in ipairs(host(OP.handle, kind)) do
    methods[m.name] = make_method(kind, m)
    names[#names + 1] = m.name
  end
  sort(names)
  local list = concat(names, ", ")
  metatable = {
    __index = function(_, key)
      local method = methods[key]
      if method ~= nil then return method end
      -- A metamethod's name is a probe, not a call: nothing there. Any other name is a mistake.
      if type(key) == "string" and key:sub(1, 2) == "__" then return nil end
      error(format("%s targets have no method '%s' (they have: %s)", kind, tostring(key), list), 2)
    end,
    __metatable = "assay " .. kind .. " target handle",
  }
  handle_metatables[kind] = metatable
  return metatable
end

local function handle(target)
  return setmetatable(target, handle_metatable(target.kind))
end

-- MARK: - Components: ctx.component, and the elements of ctx:components(kind)
-- A component is a part of the stack read through several targets (a PgBouncer: its console and
-- its pgbouncer.ini; a compose service: its compose entry and its containers). Its members name
-- their targets; the methods below reach them through those targets' handles, so every call is
-- answered, memoized and recorded as the check's own.
local Component = {}
local component_metatable = { __index = Component, __metatable = "assay component" }

local function component(spec)
  return setmetatable({ name = spec.name, kind = spec.kind, members = spec.members }, component_metatable)
end

--- The live server's handle (a postgres, pgbouncer or redis target), or nil when it has none.
function Component:live()
  for _, m in ipairs(self.members) do
    if m.role == "live" then return handle({ name = m.target.name, kind = m.target.kind, address = m.target.address }) end
  end
  return nil
end

--- The component's configuration files of one kind (pgbouncer, userlist, redis, postgresql,
--- hba, compose, …), as the files target's configs(kind) gives them, in path order.
function Component:documents(kind)
  local wanted, order, docs = {}, {}, {}
  for _, m in ipairs(self.members) do
    if (m.role == "file" or m.role == "service") and m.path then
      local byTarget = wanted[m.target.name]
      if not byTarget then
        byTarget = { target = m.target, paths = {} }
        wanted[m.target.name] = byTarget
        order[#order + 1] = m.target.name
      end
      byTarget.paths[m.path] = true
    end
  end
  for _, name in ipairs(order) do
    local entry = wanted[name]
    local files = handle({ name = entry.target.name, kind = entry.target.kind, address = entry.target.address })
    for _, doc in ipairs(files:configs(kind)) do
      if entry.paths[doc.path] then docs[#docs + 1] = doc end
    end
  end
  return docs
end

--- For a service: its compose entries, as { name, service, doc, resource } (resource
--- compose/services.<name>).
function Component:services()
  local list = {}
  for _, m in ipairs(self.members) do
    if m.role == "service" then
      local files = handle({ name = m.target.name, kind = m.target.kind, address = m.target.address })
      for _, doc in ipairs(files:configs("compose")) do
        if doc.path == m.path then
          local services = type(doc.data.services) == "table" and doc.data.services or {}
          local svc = services[m.name]
          list[#list + 1] = { name = m.name, service = type(svc) == "table" and svc or {}, doc = doc, resource = "compose/services." .. m.name }
        end
      end
    end
  end
  return list
end

--- For a service: its containers, as { name, info, engine, resource } (info: the engine's inspect
--- document; engine: the docker target's handle; resource container/<name>). A container the
--- engine cannot inspect has info nil and err its message.
function Component:containers()
  local list = {}
  for _, m in ipairs(self.members) do
    if m.role == "container" then
      local engine = handle({ name = m.target.name, kind = m.target.kind, address = m.target.address })
      local info, err = engine:container(m.name)
      list[#list + 1] = { name = m.name, info = info, err = err, engine = engine, resource = "container/" .. m.name }
    end
  end
  return list
end

--- Whether the component has a source of this role: "live", "file", "service", "container".
function Component:has(role)
  for _, m in ipairs(self.members) do if m.role == role then return true end end
  return false
end

-- MARK: - The context a check's run function receives
-- Findings: host(OP.finding, status, fields); the fields a finding may have, and their types,
-- are checked by FindingRecorder.swift, which also counts them against the host-side limits.
local Context = {}
local context_metatable = { __index = Context, __metatable = "assay check context" }

local function report(status, finding)
  if finding == nil then
    finding = {}
  elseif type(finding) == "string" then
    finding = { message = finding }
  elseif type(finding) ~= "table" then
    error("ctx:" .. status .. " expects a table or a message string", 3)
  end
  host(OP.finding, status, finding)
end

--- Reports a pass: checked, and right (a finding table, or a message string; default message: the title).
function Context:pass(finding) report("pass", finding) end
--- Reports a failure: checked, and wrong (a finding table with a message, or a message string).
function Context:fail(finding) report("fail", finding) end
--- Reports that the check could not check (unreadable, denied): a finding table with a message, or a message.
function Context:error(finding) report("error", finding) end
--- Reports that the check does not apply here (default message "not applicable").
function Context:skip(finding) report("skip", finding) end
--- A line in the --verbose log, never in a report.
function Context:log(...) print(...) end

--- The input's value: CHECK-ID.name or name from --input / assay.yaml, else the descriptor's inputs default, else default.
function Context:input(name, default)
  local value = host(OP.input, name)
  if value == nil then return default end
  return value
end

--- Handles to every target of a kind in this run, sorted by name, with that kind's methods.
function Context:targets(kind)
  local list = host(OP.targets, kind)
  for i, t in ipairs(list) do list[i] = handle(t) end
  return list
end

--- The run's components of a kind (postgres, pgbouncer, redis, service), or all of them.
function Context:components(kind)
  local list = host(OP.components, kind)
  for i, c in ipairs(list) do list[i] = component(c) end
  return list
end

-- MARK: - The check library
-- Helpers several built-in checks share (checks cannot `require` anything).
-- Each is documented in checks/README.md ("Helpers"). They only combine the methods above: a
-- connector call made in one is answered and recorded as the check's own, and when it raises, the
-- error names the line of the check that called the helper (the host skips `=assay` frames).
local pairs, tonumber = pairs, tonumber

--- The keys of `t` (nil: none), sorted with `less` (default `<`): `pairs` order changes from run to run.
local function sorted_keys(t, less)
  local keys = {}
  for k in pairs(t or {}) do keys[#keys + 1] = k end
  sort(keys, less)
  return keys
end
assay.sorted_keys = sorted_keys

--- `for k, v in assay.sorted_pairs(t) do … end`: pairs in sorted key order (`less` as above).
function assay.sorted_pairs(t, less)
  local keys, i = sorted_keys(t, less), 0
  return function()
    i = i + 1
    local k = keys[i]
    if k ~= nil then return k, t[k] end
  end
end

--- Whether a host name or address is loopback as written: localhost, ::1 or 127.x.x.x.
function assay.is_loopback(address)
  return address == "localhost" or address == "::1" or address:match("^127%.") ~= nil
end

--- files: the readable documents of one kind, or nil when there are none. When the folder has no
--- file of that kind it first reports a skip "no <name> in the folder" (a file that does not
--- parse is already an error finding, so nothing more is said).
local function documents(ctx, kind, name)
  local docs = ctx.target:configs(kind)
  if #docs > 0 then return docs end
  for _, f in ipairs(ctx.target:list()) do if f.kind == kind then return nil end end
  ctx:skip { message = "no " .. name .. " in the folder" }
  return nil
end
assay.documents = documents

--- files: the services of a compose document sorted by name, as { name, service, resource }:
--- `service` is the service's table ({} when it is not one), `resource` is
--- `compose/services.<name>`, or `<path>#services.<name>` when `docs` (every compose document of
--- the folder) holds several files.
local function compose_services(doc, docs)
  local services = type(doc.data.services) == "table" and doc.data.services or {}
  local prefix = #docs > 1 and doc.path .. "#services." or "compose/services."
  local list = {}
  for _, name in ipairs(sorted_keys(services)) do
    local svc = services[name]
    list[#list + 1] = { name = name, service = type(svc) == "table" and svc or {}, resource = prefix .. name }
  end
  return list
end
assay.compose_services = compose_services

--- files: fn(service, doc) for every service of every compose file (sorted by name, as
--- compose_services gives them; the skip "no docker compose file in the folder" when there is
--- none). A file without services is skipped ("<path> defines no service"). With `none`, fn returns
--- true for each service it judged, and a file where it judged none is skipped instead with
--- "no service of <path> <none>".
function assay.each_service(ctx, fn, none)
  local docs = documents(ctx, "compose", "docker compose file")
  if not docs then return end
  for _, doc in ipairs(docs) do
    local services, judged = compose_services(doc, docs), 0
    if #services == 0 and not none then ctx:skip { resource = doc.path, message = doc.path .. " defines no service" } end
    for _, s in ipairs(services) do
      if fn(s, doc) then judged = judged + 1 end
    end
    if none and judged == 0 then ctx:skip { resource = doc.path, message = "no service of " .. doc.path .. " " .. none } end
  end
end

--- files: the effective settings of the PostgreSQL servers in postgresql documents, one server per
--- folder (in the documents' order): { main = "<folder>postgresql.conf", settings }, where
--- settings[name] = { s = the parsed setting, path = its file, auto = from postgresql.auto.conf }.
--- postgresql.auto.conf (ALTER SYSTEM) wins over postgresql.conf, as in PostgreSQL.
function assay.postgresql_servers(docs)
  local list, by_folder = {}, {}
  for _, doc in ipairs(docs) do
    local folder = doc.path:match("^(.*/)") or ""
    local server = by_folder[folder]
    if not server then
      server = { main = folder .. "postgresql.conf", settings = {} }
      by_folder[folder] = server
      list[#list + 1] = server
    end
    local auto = doc.path:match("postgresql%.auto%.conf$") ~= nil
    for name, s in pairs(doc.data.settings or {}) do
      local current = server.settings[name]
      if auto or current == nil or not current.auto then server.settings[name] = { s = s, path = doc.path, auto = auto } end
    end
  end
  return list
end

--- files: the rule "a [pgbouncer] `key` of 0 turns something off", for every pgbouncer.ini:
--- `default` applies when the key is not set or not a number; 0 or less fails ("<key> = 0:
--- <problem>"), more passes ("<key> = <value as written>", "<default> (the default)"). Resource
--- `<path>#<key>`; evidence file, line, <key> (the number) and default (whether the key is unset).
function assay.pgbouncer_ini_not_zero(ctx, key, default, problem)
  local docs = documents(ctx, "pgbouncer", "pgbouncer.ini")
  if not docs then return end
  for _, doc in ipairs(docs) do
    local written = doc.data.pgbouncer[key]
    local value = tonumber(written) or default
    local resource = doc.path .. "#" .. key
    local evidence = { file = doc.path, line = doc.data.lines["pgbouncer." .. key], [key] = value, default = written == nil }
    if value <= 0 then
      ctx:fail {
        resource = resource, evidence = evidence,
        message = key .. " = 0" .. (written == nil and " (not set: the default)" or "") .. ": " .. problem,
      }
    else
      ctx:pass {
        resource = resource, evidence = evidence,
        message = key .. " = " .. tostring(tonumber(written) and written or value) .. (written == nil and " (the default)" or ""),
      }
    end
  end
end

--- pgbouncer: the rule "`key` = 0 in SHOW CONFIG turns something off": an error when SHOW CONFIG
--- lacks the key, a fail "<key> = 0: <problem>", else a pass "<key> = <value> s"; resource
--- setting/<key>, evidence { <key> = value }.
function assay.pgbouncer_not_zero(ctx, key, problem)
  local value = tonumber(ctx.target:config()[key])
  local resource, evidence = "setting/" .. key, { [key] = value }
  if value == nil then
    ctx:error { message = "SHOW CONFIG has no " .. key }
  elseif value == 0 then
    ctx:fail { resource = resource, evidence = evidence, message = key .. " = 0: " .. problem }
  else
    ctx:pass { resource = resource, evidence = evidence, message = key .. " = " .. value .. " s" }
  end
end

--- pgbouncer: the client pools of SHOW POOLS (the admin console's left out), sorted by database/user.
function assay.client_pools(target)
  local pools = {}
  for _, pool in ipairs(target:pools()) do
    if pool.database ~= "pgbouncer" then pools[#pools + 1] = pool end
  end
  sort(pools, function(a, b) return a.database .. "/" .. a.user < b.database .. "/" .. b.user end)
  return pools
end

--- pgbouncer: the databases of SHOW DATABASES (the admin console left out), sorted by name.
function assay.pgbouncer_databases(target)
  local dbs = {}
  for _, db in ipairs(target:databases()) do
    if db.name ~= "pgbouncer" then dbs[#dbs + 1] = db end
  end
  sort(dbs, function(a, b) return a.name < b.name end)
  return dbs
end

--- postgres: whether this login sees every session (a member of pg_read_all_stats). When it does
--- not, reports an error "… so <what> were not checked" with the GRANT that fixes it.
function assay.pg_sees_all_sessions(ctx, what)
  local visible = ctx.target:query("SELECT pg_catalog.pg_has_role('pg_read_all_stats', 'USAGE') AS visible")[1].visible
  if not visible then
    ctx:error { message = "this login cannot see other roles' sessions (it is not a member of pg_read_all_stats), so " .. what .. " were not checked",
                remediation = "GRANT pg_monitor TO the audit role." }
  end
  return visible
end

--- postgres: judges every rule of pg_hba_file_rules (the file on disk, by line). judge(rule)
--- returns a failure { message, severity?, evidence? } or nil; each is reported as a fail with
--- resource hba/line/<n> and, unless it has its own, the rule's columns as evidence. Without any,
--- one pass: string.format(passed, number of rules). An unreadable view is an error finding.
function assay.judge_hba_rules(ctx, judge, passed)
  local rows, err = ctx.target:query(
    "SELECT line_number, type, database, user_name, address, netmask, auth_method, error FROM pg_catalog.pg_hba_file_rules ORDER BY line_number")
  if rows == nil then
    ctx:error { message = "pg_hba_file_rules is not readable by this login, so pg_hba.conf was not checked: " .. err,
                remediation = "As a superuser, let the audit role read the rules:\n\n    GRANT SELECT ON pg_catalog.pg_hba_file_rules TO assay;\n    GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO assay;" }
    return
  end
  local found = 0
  for _, r in ipairs(rows) do
    local failure = judge(r)
    if failure then
      found = found + 1
      failure.resource = "hba/line/" .. r.line_number
      failure.evidence = failure.evidence or { line = r.line_number, type = r.type, database = r.database,
        user_name = r.user_name, address = r.address, netmask = r.netmask, auth_method = r.auth_method }
      ctx:fail(failure)
    end
  end
  if found == 0 then ctx:pass { message = format(passed, #rows), evidence = { rules = #rows } } end
end

--- files: judges every rule of every pg_hba.conf. judge(rule, doc) returns a failure { message,
--- evidence, severity? } or nil; each is reported as a fail with resource <path>:<line>. A file
--- without failure passes: resource <path>, message "<path> <passed>", evidence { file, rules }.
function assay.judge_hba_files(ctx, judge, passed)
  local docs = documents(ctx, "hba", "pg_hba.conf")
  if not docs then return end
  for _, doc in ipairs(docs) do
    local failed = false
    for _, r in ipairs(doc.data.rules or {}) do
      local failure = judge(r, doc)
      if failure then
        failed = true
        failure.resource = doc.path .. ":" .. r.line
        ctx:fail(failure)
      end
    end
    if not failed then
      ctx:pass { resource = doc.path, message = doc.path .. " " .. passed, evidence = { file = doc.path, rules = #(doc.data.rules or {}) } }
    end
  end
end

--- docker: fn(resource, container) for every container sorted by name, with resource
--- container/<name> and its inspect document; skips when the engine has no container, and skips a
--- container that cannot be inspected (with the engine's message).
function assay.each_container(ctx, fn)
  local named = {}
  for _, c in ipairs(ctx.target:containers()) do
    local name = c.Names and c.Names[1] or c.Id
    named[#named + 1] = { id = c.Id, name = (name:gsub("^/", "")) }
  end
  if #named == 0 then return ctx:skip { message = "the engine has no containers" } end
  sort(named, function(a, b) return a.name < b.name end)
  for _, c in ipairs(named) do
    local resource = "container/" .. c.name
    local info, err = ctx.target:container(c.id)
    if info then fn(resource, info) else ctx:skip { resource = resource, message = err } end
  end
end

--- One finding for a measure against two thresholds: at or above spec.crit a fail with severity
--- spec.crit_severity ("critical" unless given) and message spec.message ..
--- string.format(spec.crit_note, spec.crit); at or above spec.warn a fail with spec.message ..
--- string.format(spec.warn_note, spec.warn); below, a pass with spec.message. spec.resource and
--- spec.evidence go into the finding.
function assay.grade(ctx, value, spec)
  if value >= spec.crit then
    ctx:fail { resource = spec.resource, severity = spec.crit_severity or "critical", evidence = spec.evidence,
               message = spec.message .. format(spec.crit_note, spec.crit) }
  elseif value >= spec.warn then
    ctx:fail { resource = spec.resource, evidence = spec.evidence, message = spec.message .. format(spec.warn_note, spec.warn) }
  else
    ctx:pass { resource = spec.resource, evidence = spec.evidence, message = spec.message }
  end
end

--- component: the sources a drift rule compares, or nil after a skip saying which one is missing:
--- the live handle and the readable documents of `kind` (a document that does not parse is
--- already an error finding of its own).
function assay.drift_sources(ctx, kind, name)
  local live = ctx.component:live()
  local docs = {}
  for _, doc in ipairs(ctx.component:documents(kind)) do
    if doc.data then docs[#docs + 1] = doc end
  end
  if not live or #docs == 0 then
    ctx:skip { message = ctx.component.name .. " has " .. (live and "no readable " .. name or "no live server") ..
      ": nothing to compare" }
    return nil
  end
  return live, docs
end

--- component: reports the comparison of a file with the running server. `rows` are
--- { name, file, live, line, note? } (values as text, `file` as written); every row whose `same`
--- is false is a fail on resource setting/<name> with both values and the file:line; none is
--- one pass on resource `path` saying how many settings agree.
function assay.report_drift(ctx, path, rows, server)
  sort(rows, function(a, b) return a.name < b.name end)
  local drifted = 0
  for _, row in ipairs(rows) do
    if not row.same then
      drifted = drifted + 1
      ctx:fail { resource = "setting/" .. row.name,
                 message = path .. ":" .. row.line .. " sets " .. row.name .. " = " .. row.file .. " but " .. server ..
                   " runs " .. row.live .. (row.note and " (" .. row.note .. ")" or "") ..
                   ": a reload or restart is pending, or the audited file is not the one it runs",
                 evidence = { file = path, line = row.line, file_value = row.file, live_value = row.live, note = row.note } }
    end
  end
  if drifted == 0 then
    ctx:pass { resource = path, message = "the " .. #rows .. " settings of " .. path .. " are what " .. server .. " runs",
               evidence = { file = path, compared = #rows } }
  end
end

--- any: the compose services of every files target that publish a container port on every host
--- interface (0.0.0.0, ::, or no address), as { resource, service, mapping, published, target }
--- (resource compose/services.<name>, mapping the entry as written), sorted by service.
function assay.published_everywhere(ctx, container_port)
  local list = {}
  for _, files in ipairs(ctx:targets("files")) do
    for _, doc in ipairs(files:configs("compose")) do
      local services = doc.data and type(doc.data.services) == "table" and doc.data.services or {}
      for _, name in ipairs(sorted_keys(services)) do
        local svc = services[name]
        for _, p in ipairs(type(svc) == "table" and type(svc.ports) == "table" and svc.ports or {}) do
          if type(p) == "table" and p.all_interfaces and tonumber(p.target) == container_port then
            list[#list + 1] = { resource = "compose/services." .. name, service = name, mapping = p.original or tostring(p.target),
                                published = p.published, target = p.target }
          end
        end
      end
    end
  end
  return list
end

--- component: a server's TLS judged against the compose mappings that publish its port on every
--- interface: with `tls_on` false, each such mapping is a fail ("<what> without TLS is published
--- on every interface by <mapping>"); with TLS on, or no such mapping, one pass. `facts` =
--- { port, tls_on, setting (text for the message), source }.
function assay.judge_exposed_tls(ctx, facts, what)
  local exposed = assay.published_everywhere(ctx, facts.port)
  local evidence = { port = facts.port, tls = facts.setting, source = facts.source }
  if #exposed == 0 then
    return ctx:pass { resource = "port/" .. facts.port, evidence = evidence,
                      message = "no compose service publishes port " .. facts.port .. " on every interface" }
  end
  for _, e in ipairs(exposed) do
    evidence.mapping, evidence.service = e.mapping, e.service
    if facts.tls_on then
      ctx:pass { resource = e.resource, evidence = evidence,
                 message = e.service .. " publishes " .. what .. " on every interface (" .. e.mapping .. "), with TLS: " .. facts.setting }
    else
      ctx:fail { resource = e.resource, evidence = evidence,
                 message = e.service .. " publishes " .. what .. " on every interface (" .. e.mapping .. ") while "
                   .. facts.setting .. " (per " .. facts.source .. "): passwords and data cross the network in clear text" }
    end
  end
end

--- Text for comparing two setting values: trimmed and lower-case; numbers as numbers.
function assay.same_setting(a, b)
  a, b = tostring(a):match("^%s*(.-)%s*$"):lower(), tostring(b):match("^%s*(.-)%s*$"):lower()
  local x, y = tonumber(a), tonumber(b)
  if x and y then return x == y end
  return a == b
end

-- MARK: - The entry point: the host calls entry(run, spec) once per check run
return function(run, spec)
  local ctx = setmetatable({
    target = handle(spec.target),
    check = spec.check,
    component = spec.component and component(spec.component) or nil,
  }, context_metatable)
  run(ctx)
end
