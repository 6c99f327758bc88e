import Foundation

/// A folder under the system's temporary directory, removed when asked.
public struct TemporaryFolder: Sendable {
    public let path: String

    /// Creates a folder (mode 0755) named `<prefix>-<uuid>`; `files` maps relative paths to contents.
    public init(prefix: String = "assay-test", _ files: [String: String] = [:]) throws {
        path = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, contents) in files { try write(name, contents) }
    }

    public func write(_ name: String, _ contents: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }

    public func file(_ name: String) -> String { URL(fileURLWithPath: path).appendingPathComponent(name).path }

    public func read(_ name: String) -> [UInt8] { Array(FileManager.default.contents(atPath: file(name)) ?? Data()) }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A check file whose run function body is `body`; `inputs` is the body of its `inputs = { … }`.
public func checkSource(
    id: String, needs: String = "files", severity: String = "high", category: String = "security", inputs: String? = nil,
    _ body: String
) -> String {
    """
    return assay.check {
      id = "\(id)", title = "Check \(id)", severity = "\(severity)", category = "\(category)",
      needs = { "\(needs)" },\(inputs.map { "\n  inputs = { \($0) }," } ?? "")
      run = function(ctx)
    \(body)
      end,
    }
    """
}
