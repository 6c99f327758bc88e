import Foundation

/// The independent consumers the output tests hand Assay's files to: Python validators
/// (`jsonschema`, `xmlschema`, `junitparser`, `sarif-tools`), `promtool`, headless `chromium`,
/// `systemd-analyze`. `scripts/install-deps` installs them all.
public enum ExternalTools {
    /// The schemas CI and code-scanning tools validate against, beside the repository
    /// (`../shared/schemas`).
    public static let schemas = RepositoryPaths.root.deletingLastPathComponent().appendingPathComponent("shared/schemas")

    /// The path of `name` on the PATH, if it is there.
    public static func find(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Whether `python3` can import every module named.
    public static func hasPython(_ modules: [String]) -> Bool {
        guard let python = find("python3") else { return false }
        let result = try? Program.run(python, ["-c", modules.map { "import \($0)" }.joined(separator: "; ")])
        return result?.status == 0
    }

    /// Runs a Python script with arguments; the result whatever its status.
    public static func python(_ script: String, _ arguments: [String] = []) throws -> Program.Result {
        guard let python = find("python3") else { throw TestFailure("python3 is not on the PATH") }
        return try Program.run(python, ["-c", script] + arguments)
    }
}
