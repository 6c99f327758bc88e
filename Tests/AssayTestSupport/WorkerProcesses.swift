import Foundation
import Glibc

/// The `assay` executable the build made, and the worker processes a run started from it: the
/// tests' way to crash, stop and count workers from outside, as an operator or the kernel would.
public enum WorkerProcesses {
    /// The `assay` binary of this build (`swift build --build-tests` builds it next to the tests).
    public static var executable: String {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [here.appendingPathComponent("assay"), here.deletingLastPathComponent().appendingPathComponent("assay")] {
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
        }
        return RepositoryPaths.root.appendingPathComponent(".build/debug/assay").path
    }

    /// The worker processes (`… __assay-worker …`) whose parent is this process.
    public static func children() -> [pid_t] {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("PPid:") }),
                Int32(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) == me,
                let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
            else { return false }
            return String(decoding: cmdline, as: UTF8.self).contains("__assay-worker")
        }
    }

    /// Waits up to `timeout` for a worker of this process to appear.
    public static func waitForChild(timeout: Duration = .seconds(10)) -> pid_t? {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if let pid = children().first { return pid }
            usleep(20_000)
        }
        return nil
    }
}
