import AssayCertify
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where a signing key comes from: a file, an environment variable, or an open file descriptor
/// (how CI systems and secret managers hand over secrets without a file on disk).
///
/// ```
/// --sign keys/private.pem        a PKCS#8 PEM file, refused when group or others may read it
/// --sign file:keys/private.pem   the same, for a path that starts with "env:" or "fd:"
/// --sign env:ASSAY_SIGNING_KEY   the PEM text in an environment variable (removed once read)
/// --sign fd:3                    the PEM text on descriptor 3 (read to its end, then closed)
/// ```
///
/// The key's text never appears in a message: errors name the source and the fix only.
public enum SigningKeySource: Hashable, Sendable, CustomStringConvertible {
    case file(String)
    case environment(String)
    case descriptor(Int32)

    /// Reads `--sign`'s value.
    public init(_ text: String) throws(ConfigurationError) {
        if text.hasPrefix("env:") {
            let name = String(text.dropFirst(4))
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw ConfigurationError("--sign \(text): expected env:NAME, the name of an environment variable")
            }
            self = .environment(name)
        } else if text.hasPrefix("fd:") {
            guard let fd = Int32(text.dropFirst(3)), fd >= 0 else { throw ConfigurationError("--sign \(text): expected fd:N, a descriptor number") }
            self = .descriptor(fd)
        } else if text.hasPrefix("file:") {
            self = .file(String(text.dropFirst(5)))
        } else {
            self = .file(text)
        }
    }

    public var description: String {
        switch self {
        case .file(let path): path
        case .environment(let name): "env:\(name)"
        case .descriptor(let fd): "fd:\(fd)"
        }
    }

    /// Loads the key. An environment variable is removed from this process's environment once
    /// read, and a descriptor closed, so that no worker process inherits the key.
    public func load() throws(ConfigurationError) -> SigningKey {
        switch self {
        case .file(let path):
            do { return try KeyFiles.loadSigningKey(path: path) } catch { throw ConfigurationError("\(error)") }
        case .environment(let name):
            guard let value = getenv(name) else { throw ConfigurationError("--sign env:\(name): the environment variable \(name) is not set") }
            let text = String(cString: value)
            unsetenv(name)
            return try parse(text, source: "the environment variable \(name)")
        case .descriptor(let fd):
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw ConfigurationError("--sign fd:\(fd): descriptor \(fd) is not open") }
            if info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o077 != 0 {
                close(fd)
                throw ConfigurationError(
                    "--sign fd:\(fd): the file on descriptor \(fd) is accessible by group or others; restrict it with chmod 600")
            }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                guard n >= 0 else {
                    close(fd)
                    throw ConfigurationError("--sign fd:\(fd): cannot read descriptor \(fd): \(String(cString: strerror(errno)))")
                }
                if n == 0 { break }
                bytes += buffer[0..<n]
                guard bytes.count <= 1 << 16 else {
                    close(fd)
                    throw ConfigurationError("--sign fd:\(fd): more than 64 KiB on descriptor \(fd): not a key")
                }
            }
            close(fd)
            return try parse(String(decoding: bytes, as: UTF8.self), source: "descriptor \(fd)")
        }
    }

    private func parse(_ text: String, source: String) throws(ConfigurationError) -> SigningKey {
        do { return try SigningKey(pkcs8PEM: text) } catch {
            // The error of SigningKey names no key material; the text itself is never repeated.
            throw ConfigurationError("--sign \(description): \(source) holds \(error)")
        }
    }
}
