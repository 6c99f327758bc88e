import AssayTestSupport
import Foundation
import Testing

/// What a person at a terminal sees, and what a pipe does not: `script(1)` gives the run a real
/// pseudo-terminal.
@Suite("The terminal: progress, colours, completions")
struct TerminalTests {
    static let sample = RepositoryPaths.root.appendingPathComponent("examples/sample-stack").path
    static let hasScript = FileManager.default.isExecutableFile(atPath: "/usr/bin/script")

    /// A run of about two seconds: one check spins until its time is up.
    static func slowRun() throws -> (TemporaryFolder, [String]) {
        let checks = try TemporaryFolder([
            "slow.lua": checkSource(id: "SLOW", "while true do end"),
            "ok.lua": checkSource(id: "QUICK", "ctx:pass()"),
        ])
        try checks.write("assay.yaml", "limits: { instructions: 1000000000000, check_timeout_ms: 1500 }\n")
        return (checks, ["run", "--config", checks.file("assay.yaml"), "--files", "sample=\(sample)", "--no-builtin", "--checks", checks.path])
    }

    /// Runs `assay` under a pseudo-terminal; everything it wrote to it.
    static func onATerminal(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let command = ([CLI.executable] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm-256color"
        env.removeValue(forKey: "NO_COLOR")
        for (key, value) in environment { env[key] = value }
        return try Program.run("/usr/bin/script", ["-qfec", command, "/dev/null"], environment: env).stdout
    }

    /// Whether `text` holds an SGR (colour or style) escape: ESC [ digits and semicolons, then m.
    static func hasColour(_ text: String) -> Bool {
        var rest = Substring(text)
        while let escape = rest.range(of: "\u{1B}[") {
            let tail = rest[escape.upperBound...]
            if let end = tail.firstIndex(where: { !($0.isNumber || $0 == ";") }), tail[end] == "m" { return true }
            rest = tail
        }
        return false
    }

    @Test("progress and colours on a terminal", .enabled(if: hasScript, "needs script(1) (util-linux)"))
    func progressAndColoursOnATerminal() throws {
        let (checks, run) = try Self.slowRun()
        defer { checks.remove() }
        let screen = try Self.onATerminal(run)
        #expect(screen.contains("[0/1 targets] 1/2 checks · running: sample"), "\(screen.prefix(600))")
        #expect(screen.contains("\r\u{1B}[2K"), "the progress line is erased before the summary")
        #expect(Self.hasColour(screen), "the verdict is coloured")
        let plain = try Self.onATerminal(run, environment: ["NO_COLOR": "1"])
        #expect(!Self.hasColour(plain), "NO_COLOR: no colour")
        #expect(plain.contains("targets]"), "NO_COLOR keeps the progress line")
    }

    @Test func aPipeGetsNeitherProgressNorColours() throws {
        let (checks, run) = try Self.slowRun()
        defer { checks.remove() }
        let piped = try CLI.run(run)
        #expect(piped.stdout.contains("Verdict:"))
        #expect(!piped.all.contains("\u{1B}"), "no escape sequence at all in a pipe")
        #expect(!piped.all.contains("targets]"))
    }

    @Test func bashCompletesSubcommandsOptionsAndTargetFlags() throws {
        let script = try CLI.run(["completions", "bash"])
        #expect(script.status == 0)
        let folder = try TemporaryFolder(["assay.bash": script.stdout])
        defer { folder.remove() }
        func complete(_ words: [String]) throws -> String {
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let shell = "source \"$1\"; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _assay assay '\(words.last!)' '\(words[words.count - 2])'; echo \"${COMPREPLY[*]}\""
            return try Program.run("/bin/bash", ["-c", shell, "bash", folder.file("assay.bash")]).text
        }
        #expect(try complete(["assay", "hist"]) == "history")
        #expect(try complete(["assay", "run", "--po"]) == "--postgres")
        #expect(try complete(["assay", "run", "--sar"]) == "--sarif")
        for shell in ["zsh", "fish"] { #expect(try CLI.run(["completions", shell]).stdout.contains("history")) }
    }

    @Test func theManPageIsCurrent() throws {
        let page = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("docs/man/assay.1"), encoding: .utf8)
        for command in ["run", "history", "verify", "completions"] { #expect(page.contains(".It Em \(command)") || page.contains(command)) }
        #expect(page.contains("5 another run holds"), "regenerate with: swift package --allow-writing-to-package-directory generate-manual --output-directory docs/man")
    }
}
