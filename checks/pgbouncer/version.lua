-- PgBouncer fixes security problems in patch releases of the newest line only; CVE-2025-12819
-- (auth_query run with an untrusted search_path) is fixed in 1.25.1 and in no older line.
return assay.check {
  id = "PGB-VERSION",
  title = "PgBouncer is up to date",
  severity = "high",
  category = "maintenance",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "upgrade", "cve" },
  references = { "https://www.pgbouncer.org/changelog.html",
                 "https://www.cve.org/CVERecord?id=CVE-2025-12819" },
  remediation = "Upgrade PgBouncer to the newest release (1.25.1 or later).",
  description = "Fails when the version is older than the newest patch release of its line (input newest: line → version) or older than minimum (the oldest release without a known vulnerability).",
  inputs = {
    minimum = "1.25.1",
    newest = {
      ["1.16"] = "1.16.1", ["1.17"] = "1.17.0", ["1.18"] = "1.18.0", ["1.19"] = "1.19.1", ["1.20"] = "1.20.1",
      ["1.21"] = "1.21.0", ["1.22"] = "1.22.1", ["1.23"] = "1.23.1", ["1.24"] = "1.24.1", ["1.25"] = "1.25.1",
    },
  },
  run = function(ctx)
    local v = ctx.target:version()
    local function parse(text)
      local a, b, c = tostring(text):match("^(%d+)%.(%d+)%.?(%d*)")
      if a == nil then return nil end
      return { tonumber(a), tonumber(b), tonumber(c) or 0 }
    end
    local function older(x, y)
      for i = 1, 3 do
        if x[i] ~= y[i] then return x[i] < y[i] end
      end
      return false
    end
    local running = { v.major, v.minor, v.patch }
    local text = string.format("%d.%d.%d", v.major, v.minor, v.patch)
    local line = string.format("%d.%d", v.major, v.minor)
    local minimum = ctx:input("minimum", "1.25.1")
    local newest = ctx:input("newest")[line]
    local evidence = { version = text, newest_of_line = newest, minimum = minimum }
    local problems = {}
    if newest and parse(newest) and older(running, parse(newest)) then
      problems[#problems + 1] = "the newest release of the " .. line .. " line is " .. newest
    end
    if parse(minimum) and older(running, parse(minimum)) then
      problems[#problems + 1] = "releases before " .. minimum .. " have known vulnerabilities (CVE-2025-12819 is fixed in 1.25.1)"
    end
    if #problems > 0 then
      ctx:fail { resource = "version", evidence = evidence,
                 message = "PgBouncer " .. text .. " is out of date: " .. table.concat(problems, "; ") }
    else
      ctx:pass { resource = "version", evidence = evidence, message = "PgBouncer " .. text .. " is up to date" }
    end
  end,
}
