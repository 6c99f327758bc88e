import AssayConnectors
import AssayCore
import AssayLua

/// The files `assay checks new ID --kind KIND` writes: a check that follows the contract (every
/// descriptor field, an input, a pass, a fail and an error) and, for a files check, a passing and
/// a failing example that `assay checks test` runs. Both lint and test clean as written; the
/// author then replaces the rule.
package struct CheckSkeleton: Sendable {
    package var id: String
    package var kind: TargetKind
    /// The method of the kind's handle the skeleton calls: its first without a required argument.
    package var method: HandleMethod

    /// - Throws: ``ConfigurationError`` for an id that is not upper-case words joined by dashes, or
    ///   a kind the registry does not have.
    package init(id: String, kind name: String, registry: TargetKindRegistry = .builtin) throws(ConfigurationError) {
        guard CheckContract.isValidID(id) else {
            throw ConfigurationError("the id '\(id)' must be upper-case words joined by dashes, like MY-TEAM-RULE")
        }
        guard let kind = registry.kind(named: name), let spec = registry[kind]?.handle else {
            throw ConfigurationError("unknown target kind '\(name)'\(Suggestion.hint(for: name, in: registry.kinds.map(\.rawValue))) (expected \(registry.namesList))")
        }
        guard let method = spec.methods.first(where: { $0.parameters.allSatisfy(\.isOptional) }) else {
            throw ConfigurationError("\(name) targets have no method without arguments for a skeleton to call")
        }
        self.id = id
        self.kind = kind
        self.method = method
    }

    /// The file name: the id in lower case (`my-team-rule.lua`).
    package var fileName: String { id.lowercased() + ".lua" }
    /// The folder of its examples, beside it (`my-team-rule.test`).
    package var examplesFolder: String { id.lowercased() + ".test" }

    /// The check's source.
    package var source: String {
        let call = "ctx.target:\(method.name)()"
        return """
            -- \(id): one line on what goes wrong when this check fails.
            return assay.check {
              id = "\(id)",
              title = "What is true when the check passes",
              severity = "medium",
              category = "security",
              needs = { "\(kind.rawValue)" },
              tags = { "\(kind.rawValue)" },
              description = [[
            Why it matters, with the facts that make it matter, and how the inputs change it.]],
              references = {
                "https://example.org/the-primary-source",
              },
              remediation = [[
            What to do, with a configuration snippet indented by four spaces:

                setting = value]],
              inputs = { minimum = 1 },
              run = function(ctx)
                local minimum = ctx:input("minimum", 1)
                -- \(method.name)(): \(method.summary)
                local answer, err = \(call)
                if answer == nil then
                  ctx:error { message = "\(method.name)() was refused: " .. tostring(err) }
                  return
                end
                local count = 0
                for _ in pairs(answer) do count = count + 1 end
                local evidence = { count = count, minimum = minimum }
                if count >= minimum then
                  ctx:pass { resource = "\(method.name)", message = "\(method.name)() has " .. count .. " entries", evidence = evidence }
                else
                  ctx:fail {
                    resource = "\(method.name)",
                    message = "\(method.name)() has " .. count .. " entries, fewer than " .. minimum,
                    evidence = evidence,
                  }
                end
              end,
            }

            """
    }

    /// The example folders, as relative path → contents: for a files check a passing folder (one
    /// recognised file) and a failing one (none). Live kinds get none: record one with
    /// `assay run --record <examples>/NAME/transcript.jsonl` (see checks/README.md).
    package var examples: [String: String] {
        guard kind == .files, method.name == "list" else { return [:] }
        let root = examplesFolder
        return [
            "\(root)/passing/files/redis.conf": "port 6379\n",
            "\(root)/passing/expect.json": """
                {
                  "findings": [
                    { "status": "pass", "resource": "list", "message": "^list\\\\(\\\\) has 1 entries$" }
                  ]
                }

                """,
            "\(root)/failing/files/README": "no configuration file here\n",
            "\(root)/failing/expect.json": """
                {
                  "findings": [
                    { "status": "fail", "resource": "list", "message": "fewer than 1" }
                  ]
                }

                """,
        ]
    }
}
