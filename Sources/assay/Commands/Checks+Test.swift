import ArgumentParser
import AssayKit

extension Checks {
    /// `assay checks test [DIR]`: runs every check's examples offline.
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the examples of checks (ID.test/NAME/ folders) with no server; a line per example and a summary.")

        @Argument(help: ArgumentHelp("Check files or folders (default: the built-in library).", valueName: "path"))
        var paths: [String] = []

        func run() throws {
            let roots = paths.isEmpty ? [CheckCatalog.builtinDirectory] : paths
            var results: [CheckExamples.Outcome] = []
            for root in roots {
                for outcome in try CheckExamples.run(at: root) {
                    Terminal.out(outcome.line)
                    results.append(outcome)
                }
            }
            if results.isEmpty {
                Terminal.error("no examples under \(roots.joined(separator: ", ")): a check's examples are folders ID.test/NAME/ beside ID.lua")
            }
            let failed = results.filter { !$0.passed }.count
            Terminal.out("\(results.count - failed) passed, \(failed) failed")
            if failed > 0 { throw AssayExit.policyFailed }
        }
    }
}
