import AssayTestSupport
import Foundation

/// Runs the built `assay` executable, as a user would.
enum CLI {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var all: String { stdout + stderr }
    }

    /// The `assay` binary next to the test bundle (swift build --build-tests builds it).
    static var executable: String {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [here.appendingPathComponent("assay"), here.deletingLastPathComponent().appendingPathComponent("assay")] {
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
        }
        return RepositoryPaths.root.appendingPathComponent(".build/debug/assay").path
    }

    static func run(_ arguments: [String], in directory: String? = nil) throws -> Output {
        let result = try Program.run(executable, arguments, directory: directory)
        return Output(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}
