import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program as a child and measures it: its wall time and its peak memory (maximum resident
/// set size).
///
/// The peak comes from GNU time (`/usr/bin/time -f %M`), which forks and waits for the program
/// and reads `ru_maxrss` of that very child. It cannot come from this process's own `wait4`:
/// posix_spawn starts children with `CLONE_VM`, and Linux then counts the parent's high-water
/// mark (the test runner's, often 150 MB) into the child's `ru_maxrss`. `time` itself is small,
/// so its child's figure starts from a few MB. The child runs in a process group of its own, so
/// a timeout kills it and its children.
///
/// Standard output and standard error go to files in a folder of the run's own, so neither can
/// fill a pipe and block the child; they are read once it has ended.
///
/// ```swift
/// let run = try MeasuredRun(MeasuredRun.assay, ["run", "--postgres", url, "--out", folder])
/// #expect(run.peakMemoryMB < 300)
/// ```
public struct MeasuredRun: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// Maximum resident set size of the program, in KiB (`ru_maxrss`).
    public let peakMemoryKiB: Int
    public let seconds: Double

    public var peakMemoryMB: Double { Double(peakMemoryKiB) / 1024 }

    /// The `assay` executable of this checkout's debug build (`swift build --build-tests` builds it).
    public static var assay: String { RepositoryPaths.root.appendingPathComponent(".build/debug/assay").path }

    /// GNU time (Debian package `time`, installed by scripts/install-deps).
    public static let time = "/usr/bin/time"

    /// Runs `path` with `arguments` (and the test's environment plus `environment`) to its end, or
    /// kills it (SIGKILL) after `timeout` seconds.
    public init(_ path: String, _ arguments: [String], environment: [String: String] = [:], timeout: Double = 120) throws {
        let folder = try TemporaryFolder(prefix: "assay-measured")
        defer { folder.remove() }
        let outPath = folder.file("stdout"), errPath = folder.file("stderr"), rssPath = folder.file("maxrss")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { _, new in new }
        let argv = [Self.time, "-f", "%M", "-o", rssPath, path] + arguments
        let envp = merged.map { "\($0.key)=\($0.value)" }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let spawned = withCStringArray(argv) { cArgv in
            withCStringArray(envp) { cEnvp in posix_spawn(&pid, Self.time, &actions, &attributes, cArgv, cEnvp) }
        }
        guard spawned == 0 else { throw TestFailure("posix_spawn \(Self.time): errno \(spawned)") }
        let started = Date()
        var status: Int32 = 0
        var usage = rusage()
        while true {
            let result = wait4(pid, &status, WNOHANG, &usage)
            if result == pid { break }
            if result < 0, errno != EINTR { throw TestFailure("wait4: errno \(errno)") }
            if Date().timeIntervalSince(started) > timeout {
                kill(-pid, SIGKILL)
                _ = wait4(pid, &status, 0, &usage)
                throw TestFailure("\(path) did not end within \(timeout) s")
            }
            usleep(5_000)
        }
        seconds = Date().timeIntervalSince(started)
        self.status = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let reported = String(decoding: folder.read("maxrss"), as: UTF8.self)
        // GNU time writes a "Command exited with non-zero status N" line first when it did.
        guard let kib = reported.split(separator: "\n").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw TestFailure("GNU time reported no peak memory: \(reported)")
        }
        peakMemoryKiB = kib
        stdout = String(decoding: folder.read("stdout"), as: UTF8.self)
        stderr = String(decoding: folder.read("stderr"), as: UTF8.self)
    }
}

/// Calls `body` with a NULL-terminated C array of copies of `strings`.
private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    copies.append(nil)
    defer { copies.forEach { free($0) } }
    return copies.withUnsafeBufferPointer { body($0.baseAddress!) }
}
