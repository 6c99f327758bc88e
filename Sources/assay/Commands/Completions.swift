import ArgumentParser
import AssayKit

/// `assay completions bash|zsh|fish`: shell completion scripts from swift-argument-parser, with
/// the target flags added to `assay run`'s for bash.
///
/// The target flags (`--postgres`, `--files`, …) come from the kind registry and are parsed by
/// ``TargetFlags`` from `@Argument(parsing: .allUnrecognized)`, which swift-argument-parser does
/// not list in completions. For bash this command adds them to `run`'s options; zsh and fish
/// scripts are swift-argument-parser's own and do not offer them.
struct Completions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a shell completion script (bash, zsh or fish).",
        discussion: """
            bash: assay completions bash > /etc/bash_completion.d/assay
            zsh:  assay completions zsh > "${fpath[1]}/_assay"
            fish: assay completions fish > ~/.config/fish/completions/assay.fish
            Only the bash script completes the target flags of 'assay run' (--postgres, --files, …).
            """)

    @Argument(help: ArgumentHelp("bash, zsh or fish", valueName: "shell"))
    var shell: String

    func run() throws {
        guard let kind = CompletionShell(rawValue: shell) else { throw ValidationError("unknown shell '\(shell)' (expected bash, zsh or fish)") }
        var script = AssayCommand.completionScript(for: kind)
        if kind == .bash { script = Self.addingTargetFlags(to: script) }
        print(script, terminator: script.hasSuffix("\n") ? "" : "\n")
    }

    /// The bash script with every registered kind's flag among `assay run`'s repeating options.
    static func addingTargetFlags(to script: String) -> String {
        let flags = TargetKindRegistry.builtin.descriptors.map(\.flag).joined(separator: " ")
        var lines = script.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "_assay_run() {"),
            let index = lines[start...].firstIndex(where: { $0.hasPrefix("    repeating_options=(") })
        else { return script }
        lines[index] = lines[index].replacingOccurrences(of: "repeating_options=(", with: "repeating_options=(\(flags) ")
        return lines.joined(separator: "\n")
    }
}
