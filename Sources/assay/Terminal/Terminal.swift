#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to the terminal: results on stdout, diagnostics on stderr.
enum Terminal {
    static func out(_ text: String) {
        print(text)
    }

    static func error(_ text: String) {
        var line = text
        if !line.hasSuffix("\n") { line += "\n" }
        fputs("assay: " + line.dropFirst(line.hasPrefix("Error: ") ? 7 : 0), stderr)
    }
}
