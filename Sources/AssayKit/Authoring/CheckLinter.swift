import AssayConnectors
import AssayCore
import AssayLua

/// `assay checks lint`: every problem of some check files, each on its token.
///
/// Three sources, each the one place of its idea: the loader and ``CheckLoader``'s descriptor
/// validation (the file loads, its descriptor holds what the contract asks; problems on the
/// field's line), ``CheckCodeRules`` (what luacheck cannot know: `ctx` and handle methods,
/// finding fields, severities, inputs), and luacheck with the sandbox's standard
/// (``Luacheck``: undefined globals, unused variables, shadowed `ctx`, unreachable code).
public enum CheckLinter {
    /// What a lint found.
    public struct Result: Sendable {
        public var files: Int
        /// Files that loaded with a valid descriptor.
        public var valid: Int
        public var problems: [LintProblem]
        /// Whether luacheck ran (false: it is not installed, and only Assay's rules ran).
        public var luacheckRan: Bool

        /// `{"files", "valid", "luacheck", "problems": [{path, line, column, code, message, source}]}`.
        public var json: JSONValue {
            .object([
                "files": .int(Int64(files)), "valid": .int(Int64(valid)), "luacheck": .bool(luacheckRan),
                "problems": .array(problems.map { p in
                    .object([
                        "path": .string(p.path), "line": .int(Int64(p.line)), "column": .int(Int64(p.column)),
                        "code": .string(p.code), "message": .string(p.message), "source": .string(p.source.rawValue),
                    ])
                }),
            ])
        }
    }

    public static func lint(
        _ scripts: [CheckScript], registry: TargetKindRegistry = .builtin, luacheck: Bool = true
    ) throws(ConfigurationError) -> Result {
        let contract = CheckContract.current(handles: registry.handles)
        let (checks, loadProblems) = CheckLoader.loadAll(scripts, kinds: registry.kinds)
        var problems = scripts.flatMap { CheckCodeRules.problems(path: $0.path, source: $0.source, contract: contract) }
        let checked = luacheck ? try Luacheck.run(scripts, contract: contract) : nil
        let luacheckErrors = Set((checked ?? []).filter { $0.code.hasPrefix("E") }.map { "\($0.path):\($0.line)" })
        for problem in loadProblems where !luacheckErrors.contains("\(problem.location.path):\(problem.location.line)") {
            problems.append(
                LintProblem(
                    path: problem.location.path, line: problem.location.line, column: problem.column, code: "A100",
                    message: problem.message))
        }
        problems += checked ?? []
        return Result(files: scripts.count, valid: checks.count, problems: problems.sorted(), luacheckRan: checked != nil)
    }
}
