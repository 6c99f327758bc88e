import ArgumentParser
import AssayKit


/// `assay checks list|lint|new|types|test`: the check author's kit.
struct Checks: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, lint, create and test checks, and write editor definitions.",
        subcommands: [List.self, Lint.self, New.self, Types.self, Test.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the built-in checks and those in --checks folders.")

        @Option(name: .customLong("checks"), help: ArgumentHelp("A folder of custom checks.", valueName: "dir"))
        var checkPaths: [String] = []

        @Flag(name: .customLong("no-builtin"), help: "List only the custom checks.")
        var noBuiltin = false

        func run() throws {
            var scripts = noBuiltin ? [] : try CheckCatalog.builtinScripts()
            for path in checkPaths { scripts += try CheckCatalog.scripts(at: path) }
            let (checks, problems) = CheckLoader.loadAll(scripts, kinds: TargetKindRegistry.builtin.kinds)
            var rows = [["ID", "SEVERITY", "CATEGORY", "NEEDS", "TITLE"]]
            for check in checks.sorted(by: { $0.id < $1.id }) {
                let d = check.descriptor
                rows.append([d.id, d.severity.rawValue, d.category, d.needs.map(\.rawValue).joined(separator: ","), d.title])
            }
            Terminal.out(table(rows))
            Terminal.out("\(checks.count) checks")
            for problem in problems { Terminal.error(problem.description) }
            if !problems.isEmpty { throw AssayExit.policyFailed }
        }
    }
}

/// Aligns rows in columns.
func table(_ rows: [[String]]) -> String {
    guard let width = rows.first?.count else { return "" }
    let widths = (0..<width).map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
        row.enumerated().map { column, cell in
            column == width - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
        }.joined(separator: "  ")
    }.joined(separator: "\n")
}
