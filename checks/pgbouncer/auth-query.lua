-- With auth_user set, PgBouncer looks up passwords with auth_query as that user. Reading
-- pg_shadow or pg_authid directly needs a superuser auth_user; the documented way is a
-- SECURITY DEFINER function (with a safe search_path) that only returns the needed row.
return assay.check {
  id = "PGB-AUTH-QUERY",
  title = "auth_query goes through a SECURITY DEFINER function",
  severity = "medium",
  category = "security",
  needs = { "pgbouncer" },
  tags = { "pgbouncer", "authentication" },
  references = { "https://www.pgbouncer.org/config.html#auth_query",
                 "https://www.pgbouncer.org/config.html#auth_user" },
  remediation = "Create a function as a superuser and point auth_query at it:\n\n    CREATE FUNCTION pgbouncer.get_auth(p_usename text) RETURNS TABLE(username text, password text)\n      LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS\n      $$ SELECT rolname::text, rolpassword::text FROM pg_authid WHERE rolname = p_usename AND rolcanlogin $$;\n    REVOKE ALL ON FUNCTION pgbouncer.get_auth(text) FROM PUBLIC;\n    GRANT EXECUTE ON FUNCTION pgbouncer.get_auth(text) TO pgbouncer_auth;\n\n    auth_query = SELECT username, password FROM pgbouncer.get_auth($1)",
  run = function(ctx)
    local cfg = ctx.target:config()
    local user, query = cfg.auth_user or "", cfg.auth_query or ""
    local evidence = { auth_user = user, auth_query = query }
    if user == "" then
      ctx:skip { resource = "setting/auth_query", evidence = evidence,
                 message = "auth_user is not set globally, so auth_query is not used (a per-database auth_user is not shown by the console)" }
      return
    end
    local lower = query:lower()
    local direct = lower:find("pg_shadow", 1, true) or lower:find("pg_authid", 1, true)
    if direct then
      ctx:fail { resource = "setting/auth_query", evidence = evidence,
                 message = "auth_query reads " .. (lower:find("pg_shadow", 1, true) and "pg_shadow" or "pg_authid") ..
                   " directly, so auth_user " .. user .. " must be a superuser" }
    else
      ctx:pass { resource = "setting/auth_query", evidence = evidence,
                 message = "auth_query does not read pg_shadow or pg_authid directly" }
    end
  end,
}
