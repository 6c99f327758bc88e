import ArgumentParser
import AssayKit
import Foundation

extension Checks {
    /// `assay checks types [FILE]`: the Lua Language Server definitions of the check contract.
    struct Types: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write Lua Language Server definitions (---@meta) of ctx, the handles, findings and assay.*.")

        @Argument(help: ArgumentHelp("Where to write them (default: standard output).", valueName: "file"))
        var output: String?

        @Option(name: .customLong("luacheckrc"), help: ArgumentHelp("Also write the luacheck standard of the sandbox here.", valueName: "file"))
        var luacheckrc: String?

        func run() throws {
            let contract = CheckContract.current(handles: TargetKindRegistry.builtin.handles)
            let text = LuaDefinitions.text(contract)
            if let output {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output))
            } else {
                Terminal.out(text)
            }
            if let luacheckrc { try Data(LuacheckStandard.text(contract).utf8).write(to: URL(fileURLWithPath: luacheckrc)) }
        }
    }
}
