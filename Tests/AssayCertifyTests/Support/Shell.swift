import AssayTestSupport
import Foundation

/// A temporary folder, removed by ``remove()``.
struct TempFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "assay-certify-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ bytes: [UInt8], mode: Int = 0o644) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file(name))
    }

    func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: file(name)))) }

    func mode(_ name: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: file(name))[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The result of a shell command: its exit status and its standard output and error, interleaved.
struct ShellResult {
    var status: Int32
    var output: String
}

/// Runs `script` with `bash -e -o pipefail` in `folder`.
func shell(_ script: String, in folder: String) throws -> ShellResult {
    let result = try Program.run("/bin/bash", ["-e", "-o", "pipefail", "-c", script], directory: folder, errorsToOutput: true)
    return ShellResult(status: result.status, output: result.stdout)
}

/// The repository's root, found from this file's path.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }  // Support, AssayCertifyTests, Tests, root
    return url.path
}()
