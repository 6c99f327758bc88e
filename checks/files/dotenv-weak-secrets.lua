-- Secrets in .env files that are empty or that anyone would try first.
return assay.check {
  id = "DOTENV-WEAK-SECRETS",
  title = "Secrets in .env files are set and not well-known defaults",
  severity = "high",
  category = "secrets",
  needs = { "files" },
  tags = { "files", "dotenv", "secrets" },
  description = [[
A `.env` variable under a secret-looking name (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`, …)
that is empty, a well-known default (`postgres`, `password`, `admin`, `change_me…`) or shorter
than 8 characters is the first thing an attacker tries: `POSTGRES_PASSWORD=postgres` is the
postgres image's example. The check sees only a description of each value, never the value.]],
  references = {
    "https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file",
    "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
    "https://pages.nist.gov/800-63-4/sp800-63b.html",
  },
  remediation = [[
Generate a long random value and keep the file out of the repository (mode 0600):

    openssl rand -base64 32        # then, in .env:
    POSTGRES_PASSWORD=<the generated value>

and change the password in the database too (ALTER ROLE … PASSWORD …).]],
  run = function(ctx)
    local docs = assay.documents(ctx, "dotenv", ".env file")
    if not docs then return end
    for _, doc in ipairs(docs) do
      local variables = doc.data.variables or {}
      local keys = {}
      for key, value in assay.sorted_pairs(variables) do
        if type(value) == "table" and value.redacted then keys[#keys + 1] = key end
      end
      if #keys == 0 then ctx:skip { resource = doc.path, message = doc.path .. " holds no secret-looking variable" } end
      for _, key in ipairs(keys) do
        local s = variables[key]
        local evidence = {
          file = doc.path,
          line = (doc.data.lines or {})[key],
          length = s.length,
          form = s.form,
          weak = s.weak,
        }
        local resource = doc.path .. "#" .. key
        if not s.set or s.form == "empty" then
          ctx:fail { resource = resource, message = key .. " is empty", evidence = evidence }
        elseif s.weak then
          ctx:fail {
            resource = resource,
            message = key .. " is a well-known default or shorter than 8 characters",
            evidence = evidence,
          }
        else
          ctx:pass {
            resource = resource,
            message = key .. " is set to a value that is not a known default",
            evidence = evidence,
          }
        end
      end
    end
  end,
}
