import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The lock that keeps two runs on the same output folder from interleaving: an exclusive
/// `flock(2)` on `DIR/.assay.lock`, held from before the audit starts until its outputs are in
/// place, and released by the kernel however the process ends (a crash or `kill -9` included).
///
/// The lock file lives inside the folder and keeps its inode across runs (each new generation of
/// the folder gets a hard link to it, see ``AuditOutput``), so every run locks the same file.
/// It holds the pid of the run that has it, for the message of the one that does not.
public final class OutputLock: @unchecked Sendable {  // the descriptor is only closed once, in deinit
    public static let fileName = ".assay.lock"

    /// The output folder it locks.
    public let folder: String
    let descriptor: Int32

    private init(folder: String, descriptor: Int32) {
        self.folder = folder
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Takes the lock of `folder` (created if missing), failing at once when another run holds it.
    ///
    /// - Throws: ``OutputError`` `.locked`, naming the pid that holds it, or `.writeFailed` when
    ///   the folder or the lock file cannot be made.
    public static func acquire(folder: String) throws(OutputError) -> OutputLock {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw OutputError("cannot create the output folder \(folder): \(error.localizedDescription)")
        }
        let path = URL(fileURLWithPath: folder).appendingPathComponent(fileName).path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError("cannot open the lock \(path): \(AtomicFile.errnoText())") }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let busy = errno == EWOULDBLOCK
            let why = AtomicFile.errnoText()
            var holder = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &holder, holder.count, 0)
            close(fd)
            guard busy else { throw OutputError("cannot lock \(path): \(why)") }
            let pid = n > 0 ? String(decoding: holder[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
            throw OutputError(
                "another assay run\(pid.allSatisfy(\.isNumber) && !pid.isEmpty ? " (pid \(pid))" : "") is writing \(folder); "
                    + "this run did not start (try again when it has finished)", code: .locked)
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return OutputLock(folder: folder, descriptor: fd)
    }
}
