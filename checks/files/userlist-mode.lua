-- PgBouncer's auth file must be readable by its owner only.
return assay.check {
  id = "USERLIST-MODE",
  title = "userlist.txt is readable by its owner only",
  severity = "high",
  category = "secrets",
  needs = { "files" },
  tags = { "files", "pgbouncer", "secrets" },
  description = [[
The auth file holds every pooled user's password or password hash; an MD5 hash is enough to log
in through PgBouncer. Any permission for group or others (mode beyond 0600) lets every local
account, and every container that shares the mount, read it.]],
  references = {
    "https://www.pgbouncer.org/config.html#auth_file",
    "https://www.pgbouncer.org/config.html#authentication-file-format",
  },
  remediation = [[
Restrict the file to PgBouncer's user:

    chown pgbouncer:pgbouncer pgbouncer/userlist.txt
    chmod 0600 pgbouncer/userlist.txt]],
  run = function(ctx)
    -- The mode is read from the file's metadata: it is judged even when the content does not parse.
    local paths = {}
    for _, f in ipairs(ctx.target:list()) do
      if f.kind == "userlist" then paths[#paths + 1] = f.path end
    end
    if #paths == 0 then return ctx:skip { message = "no userlist.txt in the folder" } end
    for _, path in ipairs(paths) do
      local meta = ctx.target:file(path)
      local evidence = { file = path, mode = meta.mode_octal, owner = meta.owner, group = meta.group, allowed = "0600" }
      if meta.type == "symlink" then
        ctx:error {
          resource = path,
          message = path .. " is a symlink: the mode of the file it leads to is not known",
          evidence = evidence,
        }
      elseif type(meta.mode) ~= "number" then
        ctx:error { resource = path, message = "the mode of " .. path .. " could not be read", evidence = evidence }
      elseif meta.mode & 63 ~= 0 then
        local who = meta.mode & 4 ~= 0 and "readable by every local user"
          or meta.mode & 32 ~= 0 and "readable by its group" or "open to its group or others"
        ctx:fail {
          resource = path,
          message = path .. " has mode " .. meta.mode_octal .. ": " .. who,
          evidence = evidence,
        }
      else
        ctx:pass { resource = path, message = path .. " has mode " .. meta.mode_octal, evidence = evidence }
      end
    end
  end,
}
