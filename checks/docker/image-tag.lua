-- A container created from `latest`, from a name without a tag or from a bare image ID cannot be
-- traced to a release, and is replaced by whatever the tag points to at the next pull.

-- Returns the problem with an image reference, or nil when it names a fixed release.
local function problem(ref)
  if ref:find("@sha256:", 1, true) then return nil end -- pinned by digest
  if ref:match("^sha256:") or ref:match("^%x+$") and #ref >= 12 then
    return "a bare image ID: nothing says which release runs"
  end
  local last = ref:match("([^/]*)$")
  local tag = last:match(":(.+)$")
  if tag == nil then return "no tag, so :latest" end
  if tag == "latest" then return "the mutable :latest tag" end
  return nil
end

return assay.check {
  id = "DOCKER-IMAGE-TAG",
  title = "Containers run images pinned to a release tag or digest",
  severity = "low",
  category = "maintenance",
  needs = { "docker" },
  tags = { "docker", "images" },
  references = { "https://docs.docker.com/reference/cli/docker/image/tag/" },
  remediation = "Refer to images by a release tag or a digest: `postgres:16.4` or "
    .. "`postgres@sha256:…`, never `postgres` or `postgres:latest`.",
  run = function(ctx)
    assay.each_container(ctx, function(resource, c)
      local ref = c.Config.Image or ""
      local why = problem(ref)
      if why then
        ctx:fail { resource = resource, message = "image " .. ref .. ": " .. why, evidence = { image = ref } }
      else
        ctx:pass { resource = resource, message = "image " .. ref, evidence = { image = ref } }
      end
    end)
  end,
}
