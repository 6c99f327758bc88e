import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Whole-file writes that a reader, or a run killed half-way, never sees half done: the bytes go
/// to a temporary name beside the file (same folder, so the same file system), are flushed to
/// disk, and the temporary file is renamed over the target, which POSIX makes atomic.
enum AtomicFile {
    /// Writes `bytes` to `path` atomically. The temporary name ends in `.tmp-PID`, which the
    /// Prometheus textfile collector ignores (it reads `*.prom` only).
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(OutputError) {
        let temporary = path + ".tmp-\(getpid())"
        do {
            try create(bytes, at: temporary, mode: mode)
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let why = errnoText()
            unlink(temporary)
            throw OutputError("cannot write \(path): \(why)")
        }
        syncFolder(URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// Creates `path` (it must not exist) with `bytes`, flushed to disk.
    static func create(_ bytes: [UInt8], at path: String, mode: mode_t = 0o644) throws(OutputError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw OutputError("cannot write \(path): \(errnoText())") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw OutputError("cannot write \(path): \(errnoText())") }
            written += n
        }
        guard fsync(fd) == 0 else { throw OutputError("cannot write \(path): \(errnoText())") }
    }

    /// Flushes a folder's entries (new names, renames) to disk; best effort.
    static func syncFolder(_ path: String) {
        let fd = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
