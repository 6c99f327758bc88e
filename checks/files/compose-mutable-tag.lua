-- `:latest` or no tag: the next pull may run different code than the one that was tested.
local function tag_of(image)
  if image:find("@sha256:", 1, true) then return "digest" end
  local last = image:match("([^/]*)$")
  return last:match(":([^:]+)$")
end

return assay.check {
  id = "COMPOSE-MUTABLE-TAG",
  title = "Images are pinned to a version",
  severity = "low",
  category = "maintenance",
  needs = { "files" },
  tags = { "files", "compose", "docker" },
  description = [[
An image named without a tag, or with `:latest`, changes under the same name: a restart on a new
host or a `docker compose pull` silently upgrades (or downgrades) the service, and two hosts can
run different versions. Services that only build their image are not judged.]],
  references = {
    "https://docs.docker.com/reference/compose-file/services/#image",
    "https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier",
  },
  remediation = [[
Pin the version (or the digest) and upgrade on purpose:

    services:
      redis:
        image: redis:7.2.4
        # or: image: redis:7.2.4@sha256:<digest>]],
  run = function(ctx)
    assay.each_service(ctx, function(s, doc)
      local name, resource, svc = s.name, s.resource, s.service
      if type(svc.image) ~= "string" or svc.build ~= nil then return false end
      local tag = tag_of(svc.image)
      local evidence = {
        file = doc.path,
        line = doc.data.lines["services." .. name .. ".image"],
        image = svc.image,
      }
      if tag == nil or tag == "latest" then
        ctx:fail {
          resource = resource,
          message = name .. " runs " .. svc.image .. (tag and "" or " (no tag: latest)") .. ", a tag that moves",
          evidence = evidence,
        }
      else
        ctx:pass { resource = resource, message = name .. " runs " .. svc.image, evidence = evidence }
      end
      return true
    end, "pulls an image")
  end,
}
