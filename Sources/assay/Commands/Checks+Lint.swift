import ArgumentParser
import AssayKit

extension Checks {
    /// `assay checks lint PATH…`: the loader's and descriptor's problems, Assay's code rules and
    /// luacheck with the sandbox's standard, as `file:line:col: message` (or JSON); exit 1 on any.
    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lint check files: file:line:col: problem for each (luacheck and Assay's own rules).")

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @Argument(help: ArgumentHelp("Check files or folders.", valueName: "path"))
        var paths: [String]

        @Option(help: "text (file:line:col: message) or json (for editors and CI).")
        var format: Format = .text

        @Flag(name: .customLong("no-luacheck"), help: "Only Assay's own rules, even when luacheck is installed.")
        var noLuacheck = false

        func run() throws {
            var scripts: [CheckScript] = []
            for path in paths { scripts += try CheckCatalog.scripts(at: path) }
            var result = try CheckLinter.lint(scripts, luacheck: !noLuacheck)
            // The examples beside the checks (ID.test/NAME/) must read, though lint does not run them.
            for path in paths { result.problems += try CheckExamples.problems(at: path) }
            if !result.luacheckRan, !noLuacheck {
                Terminal.error(
                    "luacheck is not installed (Debian: apt-get install lua-check): undefined globals, unused variables, "
                        + "shadowing and unreachable code were not checked; only Assay's own rules ran")
            }
            switch format {
            case .json:
                Terminal.out(JSONWriter(pretty: true).string(result.json))
            case .text:
                for problem in result.problems { Terminal.out(problem.description) }
                let n = result.problems.count
                Terminal.out(
                    "\(result.files) file\(result.files == 1 ? "" : "s"), \(result.valid) valid, \(n) problem\(n == 1 ? "" : "s")")
            }
            if !result.problems.isEmpty { throw AssayExit.policyFailed }
        }
    }
}
