-- The audited login should need nothing more than pg_monitor; a superuser login (in an audit
-- DSN, or the application's) can read and change everything if its credentials leak. The facts
-- come from the connector's `login` operation, read when the connection opened (no round trip).
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
    local login = ctx.target:login()
    local evidence = { role = login.user, superuser = login.superuser, createrole = login.createrole,
                       createdb = login.createdb, replication = login.replication, bypassrls = login.bypassrls,
                       pg_monitor = login.pg_monitor }
    local resource = "user/" .. login.user
    if login.superuser then
      ctx:fail { resource = resource, evidence = evidence,
                 message = "the audit ran as " .. login.user .. ", a superuser: whoever holds its credentials controls the whole server; audit with a pg_monitor role instead" }
    elseif login.pg_monitor then
      ctx:pass { resource = resource, evidence = evidence,
                 message = "the login " .. login.user .. " is not a superuser and has pg_monitor" }
    else
      ctx:pass { resource = resource, evidence = evidence,
                 message = "the login " .. login.user .. " is not a superuser; without pg_monitor it sees less of other sessions and of the server's state (GRANT pg_monitor TO " .. login.user .. ")" }
    end
  end,
}
