import ArgumentParser
import AssayKit
import Foundation

/// `assay diff OLD NEW`.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what changed between two certifications: new and resolved findings, score changes.")

    @Argument(help: ArgumentHelp("The older certification (.json or .md).", valueName: "old"))
    var old: String

    @Argument(help: ArgumentHelp("The newer certification (.json or .md).", valueName: "new"))
    var new: String

    func run() throws {
        guard let a = FileManager.default.contents(atPath: old) else { throw ConfigurationError("cannot read \(old)") }
        guard let b = FileManager.default.contents(atPath: new) else { throw ConfigurationError("cannot read \(new)") }
        do {
            Terminal.out(try CertificationDiff(old: Array(a), new: Array(b)).plainText)
        } catch {
            throw ConfigurationError("\(error)")
        }
    }
}
