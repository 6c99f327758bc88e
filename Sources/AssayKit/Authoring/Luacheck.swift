import AssayLua
import Foundation

/// Runs Debian's luacheck (`lua-check`) over check scripts with the Assay standard
/// (``LuacheckStandard``), and reads its findings back as ``LintProblem``s.
///
/// The executable is `$ASSAY_LUACHECK` if set (an empty value or a missing file: none), else
/// `luacheck` on the PATH. Without it, ``run(_:contract:)`` returns nil and `assay checks lint`
/// says so, keeping Assay's own rules.
package enum Luacheck {
    /// The luacheck executable, or nil when there is none.
    package static var executable: String? {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment["ASSAY_LUACHECK"] {
            return FileManager.default.isExecutableFile(atPath: chosen) ? chosen : nil
        }
        for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/luacheck"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Lints every script in one luacheck process; nil when luacheck is not installed.
    /// - Throws: ``ConfigurationError`` when luacheck cannot run or answers what it should not.
    package static func run(_ scripts: [CheckScript], contract: CheckContract) throws(ConfigurationError) -> [LintProblem]? {
        guard let executable else { return nil }
        guard !scripts.isEmpty else { return [] }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assay-luacheck-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String: CheckScript] = [:]
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(LuacheckStandard.text(contract).utf8).write(to: folder.appendingPathComponent("luacheckrc"))
            for (index, script) in scripts.enumerated() {
                let path = folder.appendingPathComponent("\(index).lua").path
                try Data(script.source).write(to: URL(fileURLWithPath: path))
                files[path] = script
            }
        } catch {
            throw ConfigurationError("cannot write luacheck's files in \(folder.path): \(error)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--config", folder.appendingPathComponent("luacheckrc").path, "--formatter", "plain", "--codes", "--no-color", "--",
        ] + files.keys.sorted()
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw ConfigurationError("cannot run \(executable): \(error)") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // 0: clean, 1: warnings, 2: errors (syntax); more: luacheck itself failed.
        guard process.terminationStatus <= 2 else {
            throw ConfigurationError("luacheck failed (status \(process.terminationStatus)): \(output)")
        }
        var problems: [LintProblem] = []
        for line in output.split(separator: "\n") {
            guard let problem = parse(line, files: files, contract: contract) else { continue }
            problems.append(problem)
        }
        return problems
    }

    /// One line of luacheck's plain output: `FILE:LINE:COL: (W113) message`.
    static func parse(_ line: Substring, files: [String: CheckScript], contract: CheckContract) -> LintProblem? {
        guard let match = line.wholeMatch(of: /(.+):(\d+):(\d+): \(([EW]\d+)\) (.*)/), let script = files[String(match.1)] else {
            return nil
        }
        let code = String(match.4)
        return LintProblem(
            path: script.path, line: Int(match.2) ?? 0, column: Int(match.3) ?? 0, code: code,
            message: String(match.5) + hint(code: code, message: String(match.5), contract: contract), source: .luacheck)
    }

    /// "did you mean" for an undefined global (W113) or library field (W143).
    static func hint(code: String, message: String, contract: CheckContract) -> String {
        if code == "W113", let name = message.firstMatch(of: /variable '(\w+)'/)?.1 {
            return Suggestion.hint(for: String(name), in: contract.globals + contract.libraries.map(\.name) + ["assay"])
        }
        if code == "W143", let match = message.firstMatch(of: /field '(\w+)' of global '(\w+)'/) {
            let fields = match.2 == "assay" ? contract.helpers.map(\.name) : contract.libraries.first { $0.name == match.2 }?.fields ?? []
            return Suggestion.hint(for: String(match.1), in: fields)
        }
        return ""
    }
}
