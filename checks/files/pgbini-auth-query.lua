-- auth_query reading pg_shadow or pg_authid needs a superuser as auth_user.
return assay.check {
  id = "PGBINI-AUTH-QUERY",
  title = "auth_query goes through a SECURITY DEFINER function",
  severity = "medium",
  category = "security",
  needs = { "files" },
  tags = { "files", "pgbouncer", "postgres" },
  description = [[
With `auth_user` set, PgBouncer looks up unknown users with `auth_query`. Reading `pg_shadow` or
`pg_authid` directly (as the default query does) needs superuser rights: the auth_user's password,
kept in auth_file, then opens every database. PgBouncer's documentation recommends a
non-superuser calling a SECURITY DEFINER function. Without auth_user the query is not used.]],
  references = {
    "https://www.pgbouncer.org/config.html#auth_query",
    "https://www.pgbouncer.org/config.html#auth_user",
    "https://www.postgresql.org/docs/current/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY",
  },
  remediation = [[
Create a lookup function owned by a superuser, callable by an unprivileged auth_user (in every
database PgBouncer serves), and use it:

    CREATE FUNCTION pgbouncer.get_auth(p_usename text) RETURNS TABLE(usename name, passwd text)
      LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS
      $$ SELECT usename, passwd FROM pg_shadow WHERE usename = p_usename $$;
    REVOKE ALL ON FUNCTION pgbouncer.get_auth(text) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION pgbouncer.get_auth(text) TO pgbouncer_auth;

    [pgbouncer]
    auth_user = pgbouncer_auth
    auth_query = SELECT usename, passwd FROM pgbouncer.get_auth($1)]],
  run = function(ctx)
    local docs = assay.documents(ctx, "pgbouncer", "pgbouncer.ini")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local pgb, databases = doc.data.pgbouncer, doc.data.databases or {}
      -- The queries in use: a database's own auth_query, else the global one (or its default).
      local used, global_used = {}, pgb.auth_user ~= nil
      for name, db in assay.sorted_pairs(databases) do
        db = type(db) == "table" and db or {}
        if pgb.auth_user ~= nil or db.auth_user ~= nil then
          if db.auth_query then
            used[#used + 1] = { where = "databases." .. name, query = tostring(db.auth_query) }
          else
            global_used = true
          end
        end
      end
      if global_used then table.insert(used, 1, { where = "pgbouncer", query = pgb.auth_query and tostring(pgb.auth_query) }) end
      local resource = doc.path .. "#auth_query"
      local evidence = {
        file = doc.path,
        line = doc.data.lines["pgbouncer.auth_query"] or doc.data.lines["pgbouncer.auth_user"],
      }
      if #used == 0 then
        ctx:skip { resource = resource, message = "no auth_user: auth_query is not used", evidence = evidence }
      else
        local direct = {}
        for _, q in ipairs(used) do
          local text = (q.query or "select … from pg_authid"):lower()
          if text:find("pg_shadow", 1, true) or text:find("pg_authid", 1, true) then
            direct[#direct + 1] = q.where .. (q.query == nil and " (the default query)" or "")
          end
        end
        evidence.direct = direct
        if #direct > 0 then
          ctx:fail {
            resource = resource,
            message = "auth_query reads pg_shadow/pg_authid directly in " .. table.concat(direct, ", ") .. ": the auth_user must be a superuser",
            evidence = evidence,
          }
        else
          ctx:pass {
            resource = resource,
            message = "auth_query does not read pg_shadow or pg_authid directly",
            evidence = evidence,
          }
        end
      end
    end
  end,
}
