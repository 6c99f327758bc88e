import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program as a child and measures it: its wall time and its peak memory (maximum resident
/// set size, from `wait4`'s rusage of that very child — not of the test runner or other children).
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
    /// Maximum resident set size of the child, in KiB (`ru_maxrss`).
    public let peakMemoryKiB: Int
    public let seconds: Double

    public var peakMemoryMB: Double { Double(peakMemoryKiB) / 1024 }

    /// The `assay` executable of this checkout's debug build (`swift build --build-tests` builds it).
    public static var assay: String { RepositoryPaths.root.appendingPathComponent(".build/debug/assay").path }

    /// Runs `path` with `arguments` (and the test's environment plus `environment`) to its end, or
    /// kills it (SIGKILL) after `timeout` seconds.
    public init(_ path: String, _ arguments: [String], environment: [String: String] = [:], timeout: Double = 120) throws {
        let folder = try TemporaryFolder(prefix: "assay-measured")
        defer { folder.remove() }
        let outPath = folder.file("stdout"), errPath = folder.file("stderr")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { _, new in new }
        let argv = [path] + arguments
        let envp = merged.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let spawned = withCStringArray(argv) { cArgv in
            withCStringArray(envp) { cEnvp in posix_spawn(&pid, path, &actions, nil, cArgv, cEnvp) }
        }
        guard spawned == 0 else { throw TestFailure("posix_spawn \(path): errno \(spawned)") }
        let started = Date()
        var status: Int32 = 0
        var usage = rusage()
        while true {
            let result = wait4(pid, &status, WNOHANG, &usage)
            if result == pid { break }
            if result < 0, errno != EINTR { throw TestFailure("wait4: errno \(errno)") }
            if Date().timeIntervalSince(started) > timeout {
                kill(pid, SIGKILL)
                _ = wait4(pid, &status, 0, &usage)
                throw TestFailure("\(path) did not end within \(timeout) s")
            }
            usleep(5_000)
        }
        seconds = Date().timeIntervalSince(started)
        self.status = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        peakMemoryKiB = Int(usage.ru_maxrss)
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
