import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Replaces the whole contents of an output folder at once, so that a reader — or the next run
/// after a crash — sees either every file of the previous run or every file of this one, never a
/// mix (a new report.json beside an old certification that no longer verifies).
///
/// How: the new generation is built in a sibling folder `.NAME.assay-new-PID` (same file system),
/// holding this run's files, hard links to the history and to every file Assay does not own
/// (a `public.pem` a user put there), and a hard link to the lock file. Then one
/// `renameat2(RENAME_EXCHANGE)` swaps the two folders — atomic, like a rename — and the old
/// generation, now under the sibling's name, is removed. A run killed before the swap leaves the
/// folder as it was (the next run removes the half-built sibling); one killed after it leaves the
/// new folder complete.
///
/// Where the file system cannot exchange (NFS, some FUSE file systems) or the folder is a mount
/// point, the files are renamed into place one by one instead, history first and the
/// certification last, after any old certification this run does not replace is removed: a
/// crash then can leave an uncertified mix, but never a certification beside files it does not
/// sign.
enum OutputFolder {
    /// What to put in the folder.
    struct Generation {
        /// Files of the folder, in write order (the certification last).
        var files: [(name: String, bytes: [UInt8])]
        /// Files to add to `history/` (kept if a file of that name is there).
        var history: [(name: String, bytes: [UInt8])]
        /// Every name Assay writes in the folder: the old files of these names are dropped unless
        /// this generation writes them again. Anything else is carried over.
        var owned: Set<String>
    }

    /// Replaces the contents of `folder` (which exists, and whose lock the caller holds) with
    /// `generation`; returns the paths written.
    static func replace(_ folder: String, with generation: Generation) throws(OutputError) -> [String] {
        // A folder reached through a symbolic link is replaced where it is, not the link.
        let folderURL = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath()
        let parent = folderURL.deletingLastPathComponent().path
        let name = folderURL.lastPathComponent
        removeStale(in: parent, name: name)
        let staging = URL(fileURLWithPath: parent).appendingPathComponent(".\(name).assay-new-\(getpid())").path
        do {
            try build(staging, from: folderURL.path, generation)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        let written = generation.files.map { folderURL.appendingPathComponent($0.name).path }
            + generation.history.map { folderURL.appendingPathComponent(CertificationHistory.folderName).appendingPathComponent($0.name).path }
        if exchange(staging, folderURL.path) {
            AtomicFile.syncFolder(parent)
            try? FileManager.default.removeItem(atPath: staging)
            return written
        }
        defer { try? FileManager.default.removeItem(atPath: staging) }
        try moveOneByOne(from: staging, to: folderURL.path, generation)
        return written
    }

    // MARK: - Building the new generation

    private static func build(_ staging: String, from old: String, _ generation: Generation) throws(OutputError) {
        var info = stat()
        let mode = stat(old, &info) == 0 ? info.st_mode & 0o7777 : 0o755
        guard mkdir(staging, mode) == 0 else { throw OutputError("cannot create \(staging): \(AtomicFile.errnoText())") }
        _ = chmod(staging, mode)  // the umask may have removed bits
        let history = CertificationHistory.folderName
        for entry in ((try? FileManager.default.contentsOfDirectory(atPath: old)) ?? []).sorted() {
            guard entry == OutputLock.fileName || entry == history || !generation.owned.contains(entry) else { continue }
            try carry(old + "/" + entry, to: staging + "/" + entry)
        }
        if !generation.history.isEmpty {
            let folder = staging + "/" + history
            if access(folder, F_OK) != 0, mkdir(folder, 0o755) != 0 {
                throw OutputError("cannot create \(folder): \(AtomicFile.errnoText())")
            }
            for file in generation.history where access(folder + "/" + file.name, F_OK) != 0 {
                try AtomicFile.create(file.bytes, at: folder + "/" + file.name)
            }
            AtomicFile.syncFolder(folder)
        }
        for file in generation.files {
            try AtomicFile.create(file.bytes, at: staging + "/" + file.name)
        }
        AtomicFile.syncFolder(staging)
    }

    /// Puts `source` at `target` without copying bytes where it can: a hard link for a file, a
    /// new folder of hard links for a folder, the same target for a symbolic link.
    private static func carry(_ source: String, to target: String) throws(OutputError) {
        var info = stat()
        guard lstat(source, &info) == 0 else { return }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            guard mkdir(target, info.st_mode & 0o7777) == 0 else { throw OutputError("cannot create \(target): \(AtomicFile.errnoText())") }
            for entry in ((try? FileManager.default.contentsOfDirectory(atPath: source)) ?? []).sorted() {
                try carry(source + "/" + entry, to: target + "/" + entry)
            }
        case S_IFLNK:
            guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: source), symlink(destination, target) == 0 else {
                throw OutputError("cannot keep the link \(source): \(AtomicFile.errnoText())")
            }
        case S_IFREG:
            if link(source, target) == 0 { return }
            guard let data = FileManager.default.contents(atPath: source) else { throw OutputError("cannot keep \(source): it cannot be read") }
            try AtomicFile.create(Array(data), at: target, mode: info.st_mode & 0o7777)
        default:
            return  // sockets, fifos, devices: nothing of a report
        }
    }

    // MARK: - Swapping

    /// `renameat2(a, b, RENAME_EXCHANGE)`: swaps two paths atomically. Swift's Glibc module does
    /// not declare renameat2 (a GNU extension), so it is looked up in the C library by name.
    private static func exchange(_ a: String, _ b: String) -> Bool {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UInt32) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 1 << 1
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
    }

    /// The fallback: history first, stale owned files removed (an old certification before
    /// anything else), then this generation's files in order, the certification last.
    private static func moveOneByOne(from staging: String, to folder: String, _ generation: Generation) throws(OutputError) {
        let history = CertificationHistory.folderName
        if !generation.history.isEmpty {
            let target = folder + "/" + history
            if access(target, F_OK) != 0, mkdir(target, 0o755) != 0 { throw OutputError("cannot create \(target): \(AtomicFile.errnoText())") }
            for file in generation.history where access(target + "/" + file.name, F_OK) != 0 {
                guard rename(staging + "/" + history + "/" + file.name, target + "/" + file.name) == 0 else {
                    throw OutputError("cannot write \(target)/\(file.name): \(AtomicFile.errnoText())")
                }
            }
        }
        let writing = Set(generation.files.map(\.name))
        let stale = generation.owned.subtracting(writing).subtracting([history, OutputLock.fileName])
        for name in stale.sorted(by: { ($0.hasPrefix("certification") ? 0 : 1, $0) < ($1.hasPrefix("certification") ? 0 : 1, $1) }) {
            unlink(folder + "/" + name)
        }
        for file in generation.files {
            guard rename(staging + "/" + file.name, folder + "/" + file.name) == 0 else {
                throw OutputError("cannot write \(folder)/\(file.name): \(AtomicFile.errnoText())")
            }
        }
        AtomicFile.syncFolder(folder)
    }

    /// Removes what an earlier run killed half-way left beside the folder.
    private static func removeStale(in parent: String, name: String) {
        let prefix = ".\(name).assay-new-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix(prefix) {
            try? FileManager.default.removeItem(atPath: parent + "/" + entry)
        }
    }
}
