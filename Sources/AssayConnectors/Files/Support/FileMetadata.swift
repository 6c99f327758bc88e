import AssayCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `lstat(2)` says about a path, as checks see it.
///
/// `{path, exists, type, mode, mode_octal, owner, group, uid, gid, size}` where `type` is `file`,
/// `directory`, `symlink`, `fifo`, `socket`, `block`, `character` or `unknown`, `mode` holds the
/// permission bits (with setuid, setgid and sticky) as an integer and `mode_octal` the same as
/// text (`"0640"`). A symlink is described itself, not followed. Absent: `{path, exists = false}`.
enum FileMetadata {
    static func describe(absolutePath: String, relativePath: String) -> JSONValue {
        var info = stat()
        guard lstat(absolutePath, &info) == 0 else {
            return ["path": .string(relativePath), "exists": false]
        }
        let mode = Int64(info.st_mode) & 0o7777
        var octal = String(mode, radix: 8)
        if octal.count < 4 { octal = String(repeating: "0", count: 4 - octal.count) + octal }
        var table: [String: JSONValue] = [
            "path": .string(relativePath), "exists": true, "type": .string(type(of: info.st_mode)),
            "mode": .int(mode), "mode_octal": .string(octal),
            "uid": .int(Int64(info.st_uid)), "gid": .int(Int64(info.st_gid)), "size": .int(Int64(info.st_size)),
        ]
        table["owner"] = userName(info.st_uid).map { .string($0) } ?? .string(String(info.st_uid))
        table["group"] = groupName(info.st_gid).map { .string($0) } ?? .string(String(info.st_gid))
        return .object(table)
    }

    static func type(of mode: mode_t) -> String {
        switch Int(mode) & 0o170000 {
        case 0o100000: return "file"
        case 0o040000: return "directory"
        case 0o120000: return "symlink"
        case 0o010000: return "fifo"
        case 0o140000: return "socket"
        case 0o060000: return "block"
        case 0o020000: return "character"
        default: return "unknown"
        }
    }

    static func userName(_ uid: uid_t) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name
        else { return nil }
        return String(cString: name)
    }

    static func groupName(_ gid: gid_t) -> String? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.gr_name
        else { return nil }
        return String(cString: name)
    }
}
