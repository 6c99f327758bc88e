import AssayCore

/// Where and as whom to connect to Redis, read from a URL.
///
/// `redis://[user[:password]@]host[:port][/db]` (user and password percent-decoded, IPv6 hosts in
/// brackets, port 6379 by default) or `unix:///path/redis.sock[?db=N]`. `rediss://` is refused:
/// Debian's hiredis 0.14 is built without TLS.
///
/// A password with reserved characters written as they are (`redis://:ab/cd#ef@host:6379`) is
/// read as its author meant it (``URLCredentials``), and a `%` that starts no escape is taken as
/// written. Error messages never repeat the URL, which may hold the password.
struct RedisEndpoint {
    enum Location: Equatable {
        case tcp(host: String, port: Int32)
        case unix(path: String)
    }

    var location: Location
    var user: String?
    var password: String?
    var database: Int?

    /// The URL without the password: `redis://monitor@127.0.0.1:6379/0`.
    var address: String {
        switch location {
        case .tcp(let host, let port):
            let shownHost = host.contains(":") ? "[\(host)]" : host
            let userPart = user.map { "\($0)@" } ?? ""
            return "redis://\(userPart)\(shownHost):\(port)" + (database.map { "/\($0)" } ?? "")
        case .unix(let path):
            return "unix://\(path)" + (database.map { "?db=\($0)" } ?? "")
        }
    }

    /// Parses a URL; `password`, when given, replaces the URL's.
    static func parse(_ url: String, password: String?) throws(ConnectorError) -> RedisEndpoint {
        func malformed(_ why: String) -> ConnectorError { ConnectorError(.failed, "malformed Redis URL: \(why)") }
        let lower = url.lowercased()
        if lower.hasPrefix("rediss://") {
            throw ConnectorError(
                .refused,
                "rediss:// (Redis over TLS) is not supported: Debian's hiredis 0.14, which Assay links, has no TLS")
        }
        if lower.hasPrefix("unix://") {
            var rest = String(url.dropFirst("unix://".count))
            var database: Int?
            if let mark = rest.firstIndex(of: "?") {
                let query = rest[rest.index(after: mark)...]
                guard query.hasPrefix("db="), let db = Int(query.dropFirst(3)), db >= 0 else {
                    throw malformed("the only query parameter of a unix:// URL is db=N")
                }
                database = db
                rest = String(rest[..<mark])
            }
            guard rest.hasPrefix("/") else { throw malformed("unix:// needs an absolute path") }
            return RedisEndpoint(location: .unix(path: rest), user: nil, password: password, database: database)
        }
        guard lower.hasPrefix("redis://") else { throw malformed("the scheme must be redis:// or unix://") }

        // The user information as its author meant it, also with `/ # ? @` in the password
        // (URLCredentials); the host and the rest follow it.
        let bytes = Array(url.utf8)
        guard let reading = URLCredentials.connectionReading(ofURL: url) else { throw malformed("no host") }
        var user: String?
        var urlPassword: String?
        if let userRange = reading.user {
            let userText = String(decoding: bytes[userRange], as: UTF8.self)
            guard let decodedUser = PercentEncoding.decode(userText) else {
                throw malformed("bad percent-encoding in the user")
            }
            user = decodedUser.isEmpty ? nil : decodedUser
            if let passwordRange = reading.password {
                // A `%` that starts no escape is taken as written.
                let raw = String(decoding: bytes[passwordRange], as: UTF8.self)
                let decoded = PercentEncoding.decode(raw) ?? raw
                urlPassword = decoded.isEmpty ? nil : decoded
            }
        }
        let rest = String(decoding: bytes[reading.hostStart...], as: UTF8.self)[...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]

        var host: String
        var port: Int32 = 6379
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw malformed("unclosed [ in the host") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw malformed("unexpected text after the IPv6 host") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
        }
        if let portText {
            guard let value = Int32(portText), (1...65535).contains(value) else { throw malformed("bad port") }
            port = value
        }
        if host.isEmpty { host = "127.0.0.1" }

        var database: Int?
        if tail.hasPrefix("/") {
            let dbText = tail.dropFirst().prefix { $0 != "?" && $0 != "#" }
            if !dbText.isEmpty {
                guard let db = Int(dbText), db >= 0 else { throw malformed("the path must be a database number") }
                database = db
            }
        }
        return RedisEndpoint(
            location: .tcp(host: host, port: port), user: user, password: password ?? urlPassword, database: database)
    }
}
