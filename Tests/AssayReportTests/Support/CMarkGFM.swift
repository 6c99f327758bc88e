import Foundation

/// GitHub's Markdown renderer (`cmark-gfm`, Debian package cmark-gfm), when installed, to check
/// what the report really renders to.
enum CMarkGFM {
    static let path = "/usr/bin/cmark-gfm"
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// HTML of `markdown` with the GFM extensions GitHub uses, raw HTML allowed (`--unsafe`): the
    /// report itself must keep HTML out, not the renderer.
    static func html(_ markdown: String) throws -> String {
        let input = NSTemporaryDirectory() + "assay-report-\(UUID().uuidString).md"
        try markdown.write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = [
            "--unsafe", "-e", "table", "-e", "strikethrough", "-e", "autolink", "-t", "html", input,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return output
    }

    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
