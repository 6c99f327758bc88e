import AssayKit
import Foundation

/// The progress line of a long run, on standard error when it is a terminal: targets done of all,
/// check runs done of all, and the targets still running. It appears only once a run has taken
/// half a second, is redrawn at most ten times a second (and every quarter second while nothing
/// finishes), and is erased before the summary.
final class ProgressLine: @unchecked Sendable {  // every access holds `lock`
    private let lock = NSLock()
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var shown = false
    private var finished = false
    private var latest: RunProgress?

    private init() {
        let ticker = Thread { [weak self] in
            while let line = self, line.tick() { usleep(250_000) }
        }
        ticker.start()
    }

    /// Redraws the latest progress; false once finished.
    private func tick() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return false }
        if let latest, Date().timeIntervalSince(started) >= 0.5 { draw(latest) }
        return true
    }

    /// A progress line, or nil when standard error is not a terminal.
    static func forTerminal() -> ProgressLine? {
        isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb" ? ProgressLine() : nil
    }

    func update(_ progress: RunProgress) {
        lock.lock()
        defer { lock.unlock() }
        latest = progress
        let now = Date()
        guard now.timeIntervalSince(started) >= 0.5, now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        draw(progress)
    }

    private func draw(_ progress: RunProgress) {
        lastDraw = Date()
        shown = true
        write("\r\u{1B}[2K" + Self.text(progress))
    }

    /// Erases the line, if it was drawn.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if shown { write("\r\u{1B}[2K") }
        shown = false
        finished = true
    }

    /// `[2/5 targets] 41/103 checks · running: postgres, redis`
    static func text(_ p: RunProgress) -> String {
        var text = "[\(p.targetsDone)/\(p.targetsTotal) targets] \(p.checksDone)/\(p.checksTotal) checks"
        if !p.running.isEmpty {
            text += " · running: " + p.running.prefix(3).map { TerminalSummary.oneLine($0) }.joined(separator: ", ")
            if p.running.count > 3 { text += " and \(p.running.count - 3) more" }
        }
        return text
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
