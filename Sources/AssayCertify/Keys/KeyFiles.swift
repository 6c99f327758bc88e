#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Key pairs on disk: `private.pem` (0600), `public.pem` (0644) and `keyid` in one folder.
///
/// ```
/// $ ls -l keys/
/// -rw-r--r-- 1 ops ops  65 keyid        # the key id and a newline
/// -rw------- 1 ops ops 119 private.pem  # PKCS#8 PRIVATE KEY
/// -rw-r--r-- 1 ops ops 113 public.pem   # SPKI PUBLIC KEY
/// ```
///
/// Writing never replaces an existing file, and loading a private key refuses a file that group
/// or others can read. Error messages name the file and the fix, never key material.
public enum KeyFiles {
    public static let privateKeyName = "private.pem"
    public static let publicKeyName = "public.pem"
    public static let keyIDName = "keyid"

    /// Writes `key` into `folder` (created with mode 0700 if missing) as `private.pem` (0600),
    /// `public.pem` (0644) and `keyid` (0644, the key id and a newline).
    ///
    /// - Throws: ``KeyError`` `.fileExists` when any of the three files exists (nothing is written
    ///   then), `.io` when the file system refuses.
    public static func writeKeyPair(_ key: SigningKey, to folder: String) throws {
        if mkdir(folder, 0o700) != 0, errno != EEXIST {
            throw KeyError(.io, "cannot create folder \(folder): \(errorText())")
        }
        let dir = folder.hasSuffix("/") ? folder : folder + "/"
        let files: [(name: String, mode: mode_t, text: String)] = [
            (privateKeyName, 0o600, key.pkcs8PEM),
            (publicKeyName, 0o644, key.publicKey.spkiPEM),
            (keyIDName, 0o644, key.publicKey.keyID + "\n"),
        ]
        for file in files where access(dir + file.name, F_OK) == 0 {
            throw KeyError(
                .fileExists,
                "\(dir + file.name) already exists; refusing to overwrite a key (move the old key pair away first)")
        }
        for file in files {
            try create(dir + file.name, mode: file.mode, bytes: Array(file.text.utf8))
        }
    }

    /// Loads a private key, refusing a file that group or others may read or write.
    ///
    /// - Throws: ``KeyError`` `.insecurePermissions` with the fix (`chmod 600 FILE`),
    ///   `.invalidPEM` or `.io`, each naming the file.
    public static func loadSigningKey(path: String) throws -> SigningKey {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KeyError(.io, "cannot open private key \(path): \(errorText())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw KeyError(.io, "cannot stat private key \(path): \(errorText())") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw KeyError(.io, "private key \(path) is not a regular file") }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw KeyError(
                .insecurePermissions,
                "private key \(path) is accessible by group or others (mode \(octal(mode))); "
                    + "restrict it with: chmod 600 \(path)")
        }
        let bytes = try readAll(fd, path: path)
        do {
            return try SigningKey(pkcs8PEM: String(decoding: bytes, as: UTF8.self))
        } catch let error as KeyError {
            throw KeyError(error.code, "\(path): \(error.description)")
        }
    }

    /// Loads a public key from a `PUBLIC KEY` PEM file.
    public static func loadVerifyingKey(path: String) throws -> VerifyingKey {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KeyError(.io, "cannot open public key \(path): \(errorText())") }
        defer { close(fd) }
        let bytes = try readAll(fd, path: path)
        do {
            return try VerifyingKey(spkiPEM: String(decoding: bytes, as: UTF8.self))
        } catch let error as KeyError {
            throw KeyError(error.code, "\(path): \(error.description)")
        }
    }

    // MARK: - Private

    private static func create(_ path: String, mode: mode_t, bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            if errno == EEXIST {
                throw KeyError(.fileExists, "\(path) already exists; refusing to overwrite a key")
            }
            throw KeyError(.io, "cannot create \(path): \(errorText())")
        }
        defer { close(fd) }
        // The umask may have removed bits; set the exact mode.
        guard fchmod(fd, mode) == 0 else { throw KeyError(.io, "cannot set the mode of \(path): \(errorText())") }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw KeyError(.io, "cannot write \(path): \(errorText())") }
            written += n
        }
        guard fsync(fd) == 0 else { throw KeyError(.io, "cannot sync \(path): \(errorText())") }
    }

    private static func readAll(_ fd: Int32, path: String) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw KeyError(.io, "cannot read \(path): \(errorText())") }
            if n == 0 { return out }
            out += buffer[0..<n]
            guard out.count <= 1 << 16 else { throw KeyError(.invalidPEM, "\(path) is too large to be a key file") }
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }

    private static func octal(_ mode: mode_t) -> String {
        "0" + String(mode, radix: 8)
    }
}
