import Foundation
import AssayKit
@preconcurrency import Rainbow

/// Colours on a terminal only: never in a pipe or a file, never with `NO_COLOR` set (to anything
/// but the empty string, as no-color.org asks) or `TERM=dumb`.
enum Style {
    /// Decides once, at start, from standard output.
    static func configure() {
        let environment = ProcessInfo.processInfo.environment
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        Rainbow.enabled = isatty(STDOUT_FILENO) == 1 && !noColor && environment["TERM"] != "dumb"
        Rainbow.outputTarget = .console
    }

    static func verdict(_ text: String, _ verdict: Verdict) -> String {
        switch verdict {
        case .certified: text.green.bold
        case .conditional: text.yellow.bold
        case .notCertified: text.red.bold
        }
    }

    static func severity(_ text: String, _ severity: Severity) -> String {
        switch severity {
        case .critical: text.red.bold
        case .high: text.red
        case .medium: text.yellow
        case .low: text.blue
        case .info: text.dim
        }
    }

    static func good(_ text: String) -> String { text.green }
    static func bad(_ text: String) -> String { text.red.bold }
    static func dim(_ text: String) -> String { text.dim }
}
