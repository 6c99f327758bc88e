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

    /// CPU time a process has used, in clock ticks (utime + stime of /proc/PID/stat).
    public static func cpuTicks(_ pid: pid_t) -> Int? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// Waits until `pid` has spent `ticks` more clock ticks (1/100 s) of CPU: a check spinning in
    /// it is certainly running then, however loaded the machine is. False if it never does.
    public static func waitForSpin(_ pid: pid_t, ticks: Int = 30, timeout: Duration = .seconds(60)) -> Bool {
        guard let start = cpuTicks(pid) else { return false }
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            guard let now = cpuTicks(pid) else { return false }
            if now - start >= ticks { return true }
            usleep(20_000)
        }
        return false
    }
}
