import AssayCore
import Foundation

@testable import AssayConnectors

/// Locates the fixtures of the files connector from this source file (no SwiftPM resources).
enum FilesFixture {
    /// `Tests/AssayConnectorsTests/Fixtures/files`.
    static let directory: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/files").path
    }()

    /// The repository root (for `examples/`).
    static let repositoryRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    static func text(_ name: String) throws -> String {
        try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
    }

    /// Runs a parser on a fixture and expects it to fail; returns the error.
    static func failure(_ name: String, _ parse: (String, String) throws(ConfigParseError) -> JSONValue) throws
        -> ConfigParseError?
    {
        let text = try text(name)
        do {
            _ = try parse(text, name)
            return nil
        } catch {
            return error
        }
    }

    /// A fresh empty folder under the temporary directory.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "assay-files-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }
}

extension JSONValue {
    /// Follows keys (strings) and array indexes (ints) from this value.
    func at(_ steps: Any...) -> JSONValue? {
        var current: JSONValue? = self
        for step in steps {
            switch (current, step) {
            case (.object(let members)?, let key as String): current = members[key]
            case (.array(let items)?, let index as Int): current = index < items.count ? items[index] : nil
            default: return nil
            }
        }
        return current
    }

    /// Compact JSON, as a check's evidence or a report would carry it.
    var json: String { JSONWriter().string(self) }
}
