import LuaShim

/// The globals a check may see: the allow-list of `Sources/LuaShim/Globals.c`, read from C.
enum SandboxGlobals {
    struct Entry: Hashable {
        /// `name` for the base library, `library.name` otherwise.
        var qualifiedName: String
        var kind: LuaShim_GlobalKind
        var reason: String
    }

    static let all: [Entry] = (0..<LuaShim_global_count()).compactMap { index in
        guard let entry = LuaShim_global(index)?.pointee else { return nil }
        let name = String(cString: entry.name)
        return Entry(
            qualifiedName: entry.library.map { String(cString: $0) + "." + name } ?? name, kind: entry.kind,
            reason: String(cString: entry.reason))
    }

    /// The globals the prelude adds: `assay` (and its helpers) and `print`, which logs through the host.
    static let fromPrelude: Set<String> = ["assay", "print"]
}
