import Foundation

/// Writes to the terminal: results on stdout, diagnostics on stderr.
enum Terminal {
    static func out(_ text: String) {
        print(text)
    }

    static func error(_ text: String) {
        var line = text.hasPrefix("Error: ") ? String(text.dropFirst(7)) : text
        if !line.hasSuffix("\n") { line += "\n" }
        FileHandle.standardError.write(Data(("assay: " + line).utf8))
    }
}
