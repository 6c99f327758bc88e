import ArgumentParser
import AssayKit
import Foundation

extension Checks {
    /// `assay checks new ID --kind KIND`: a skeleton check (and its examples) that lints and tests clean.
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a skeleton check (and, for a files check, its examples) that lints and tests clean.")

        @Argument(help: ArgumentHelp("The check's id: upper-case words joined by dashes.", valueName: "id"))
        var id: String

        @Option(help: ArgumentHelp("The target kind it reads (files, postgres, pgbouncer, redis, docker).", valueName: "kind"))
        var kind: String

        @Option(name: .customLong("dir"), help: ArgumentHelp("The folder to write into.", valueName: "dir"))
        var directory: String = "."

        func run() throws {
            let skeleton = try CheckSkeleton(id: id, kind: kind)
            let files = [skeleton.fileName: skeleton.source].merging(skeleton.examples) { a, _ in a }
            let root = URL(fileURLWithPath: directory)
            for relative in files.keys.sorted() where FileManager.default.fileExists(atPath: root.appendingPathComponent(relative).path) {
                throw ConfigurationError("\(root.appendingPathComponent(relative).path) exists already: nothing was written")
            }
            for relative in files.keys.sorted() {
                let url = root.appendingPathComponent(relative)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(files[relative]!.utf8).write(to: url)
                Terminal.out("wrote \(url.path)")
            }
        }
    }
}
