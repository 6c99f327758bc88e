-- The audited login should need nothing more than pg_monitor; a superuser login (in an audit
-- DSN, or the application's) can read and change everything if its credentials leak.
return assay.check {
  id = "PG-SUPERUSER-LOGIN",
  title = "The audited login is not a superuser",
  severity = "high",
  category = "security",
  needs = { "postgres" },
  tags = { "postgres", "roles" },
  references = { "https://www.postgresql.org/docs/current/predefined-roles.html",
                 "https://www.postgresql.org/docs/current/role-attributes.html" },
  remediation = "Use a role without SUPERUSER: for auditing and monitoring, CREATE ROLE assay LOGIN; GRANT pg_monitor TO assay; for an application, a role that owns its schema only.",
  run = function(ctx)
    local r = ctx.target:query([[
      SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls
      FROM pg_catalog.pg_roles WHERE rolname = current_user]])[1]
    local evidence = { role = r.rolname, superuser = r.rolsuper, createrole = r.rolcreaterole, createdb = r.rolcreatedb,
                       replication = r.rolreplication, bypassrls = r.rolbypassrls }
    if r.rolsuper then
      ctx:fail { resource = "user/" .. r.rolname, evidence = evidence,
                 message = "the login " .. r.rolname .. " is a superuser: whoever holds its credentials controls the whole server" }
    else
      ctx:pass { resource = "user/" .. r.rolname, evidence = evidence, message = "the login " .. r.rolname .. " is not a superuser" }
    end
  end,
}
