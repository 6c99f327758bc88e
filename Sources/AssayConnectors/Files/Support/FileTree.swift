#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The audited folder: finds the configuration files under it and keeps every access inside it.
struct FileTree {
    /// Folders never entered: version control, dependencies, build products.
    static func isSkipped(directory name: String) -> Bool {
        name == ".git" || name == "node_modules" || name.hasPrefix(".build")
    }

    /// Deepest level searched: like `find root -maxdepth 4` (a file at `a/b/c/file` is found).
    static let maxDepth = 4

    /// The root as given, without trailing slashes.
    let root: String
    /// The root with symlinks resolved, used to check containment; nil when it does not exist.
    let realRoot: String?

    init(root: String) {
        var root = root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.root = root
        self.realRoot = FileTree.realPath(root)
    }

    /// Every recognised file, relative to the root, sorted by path. Symlinked folders are not entered.
    ///
    /// A Kubernetes ConfigMap or Secret mount shows each file twice — `redis.conf`, a symlink to
    /// `..data/redis.conf`, and the real file in a `..2024_…` folder — and is read once: a path
    /// inside a folder named `..something` is left out when another path found names the same file.
    func recognisedFiles() -> [(path: String, kind: ConfigKind)] {
        var found: [(path: String, kind: ConfigKind)] = []
        walk(relative: "", depth: 1, into: &found)
        found = withoutKubernetesCopies(found)
        return found.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    private func withoutKubernetesCopies(_ found: [(path: String, kind: ConfigKind)]) -> [(path: String, kind: ConfigKind)] {
        func inDotDotFolder(_ path: String) -> Bool { path.split(separator: "/").dropLast().contains { $0.hasPrefix("..") } }
        guard found.contains(where: { inDotDotFolder($0.path) }) else { return found }
        func identity(_ path: String) -> String? {
            var info = stat()
            let absolute = root + "/" + path
            guard readsInside(absolute), stat(absolute, &info) == 0 else { return nil }
            return "\(info.st_dev):\(info.st_ino)"
        }
        let elsewhere = Set(found.filter { !inDotDotFolder($0.path) }.compactMap { identity($0.path) })
        return found.filter { file in
            guard inDotDotFolder(file.path), let id = identity(file.path) else { return true }
            return !elsewhere.contains(id)
        }
    }

    private func walk(relative: String, depth: Int, into found: inout [(path: String, kind: ConfigKind)]) {
        let directory = relative.isEmpty ? root : root + "/" + relative
        for name in FileTree.entries(of: directory) {
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(root + "/" + path, &info) == 0 else { continue }
            let type = FileMetadata.type(of: info.st_mode)
            if type == "directory" {
                if depth < FileTree.maxDepth, !FileTree.isSkipped(directory: name) {
                    walk(relative: path, depth: depth + 1, into: &found)
                }
            } else if let kind = ConfigKind.recognise(fileName: name) {
                // FIFOs, sockets and devices are listed too, so that their reading reports them
                // ("not a regular file") instead of their silently not being audited.
                found.append((path, kind))
            }
        }
    }

    /// The absolute path of a relative one, or nil when it would leave the root: absolute paths,
    /// `..` components, and parents that are symlinks to elsewhere are refused.
    func resolve(_ relative: String) -> String? {
        guard !relative.isEmpty, !relative.hasPrefix("/"), !relative.contains("\0") else { return nil }
        let components = relative.split(separator: "/")
        guard !components.contains("..") else { return nil }
        let absolute = root + "/" + components.joined(separator: "/")
        guard let realRoot else { return nil }
        // The parent must really be inside the root; the last component itself may be a symlink
        // (lstat describes it without following).
        let parent = components.count > 1 ? root + "/" + components.dropLast().joined(separator: "/") : root
        if let realParent = FileTree.realPath(parent), !FileTree.isInside(realParent, realRoot) { return nil }
        return absolute
    }

    /// Whether reading the file at `absolute` stays inside the root once symlinks are followed.
    func readsInside(_ absolute: String) -> Bool {
        guard let realRoot, let real = FileTree.realPath(absolute) else { return false }
        return FileTree.isInside(real, realRoot)
    }

    static func isInside(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Names in a folder, without `.` and `..`; empty when it cannot be read.
    static func entries(of directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
