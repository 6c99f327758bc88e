import CLibPQ
import Foundation

/// Where and as whom to connect: a libpq URL or `key=value` string, an optional explicit password,
/// the display address without secrets, and the scrubber that keeps those secrets out of messages.
///
/// Credentials come from the URL, the explicit password (which wins) or libpq's own environment
/// (`PGPASSWORD`, `PGPASSFILE`/`~/.pgpass`). Every other libpq option in the string (`sslmode`,
/// `sslrootcert`, `target_session_attrs`, …) is passed through untouched.
///
/// A URL whose password holds reserved characters written as they are
/// (`postgres://app:ab/cd#ef@db/app`) is read as its author meant it (``URLCredentials``'s lenient
/// reading) and handed to libpq with the password percent-encoded. A URL that libpq cannot parse, or
/// that neither reading makes sense of, is never shown: its address is
/// `postgres://… (malformed URL, not shown)`.
struct LibPQTarget: Sendable {
    /// The connection string as libpq gets it (may hold a password: never display it).
    let conninfo: String
    let password: String?
    /// The connection string without any password, for reports and messages.
    let address: String
    let scrubber: SecretScrubber
    /// The passwords this target carries (explicit, URL — as written and decoded —, `password=`,
    /// `PGPASSWORD`), and the names around them (user, database, host), for the run's registry.
    let passwords: [String]
    let names: [(what: String, name: String)]

    /// Option keywords whose values are secrets.
    static let secretKeywords: Set<String> = ["password", "sslpassword"]

    /// What a malformed URL is shown as.
    static let malformedAddress = "postgres://… (malformed URL, not shown)"

    init(conninfo given: String, password: String?) {
        let conninfo = Self.isURL(given) ? Self.normalizedURL(given) : given
        self.conninfo = conninfo
        self.password = password
        let parsed = Self.parse(conninfo)
        let malformed = Self.isURL(given) && (parsed == nil || URLCredentials.reading(ofURL: given)?.isPlausible != true)
        if Self.isURL(given) {
            if malformed {
                self.address = Self.malformedAddress
            } else {
                var address = Self.urlWithoutPasswords(given)
                // Take out, too, what only libpq's own reading finds.
                for (key, value) in parsed ?? [] where key == "password" && !value.isEmpty {
                    address = address.replacingOccurrences(of: ":\(value)@", with: "@")
                }
                self.address = address
            }
        } else if let parsed {
            self.address = parsed
                .filter { !Self.secretKeywords.contains($0.key) }
                .map { "\($0.key)=\(Self.quoteConninfoValue($0.value))" }
                .joined(separator: " ")
        } else {
            self.address = SecretScrubber.redactPasswordPairs(given)
        }
        var secrets = [password]
        for (key, value) in parsed ?? [] where Self.secretKeywords.contains(key) { secrets.append(value) }
        if Self.isURL(given) { secrets += Self.urlPasswords(given) }
        if parsed == nil, !Self.isURL(given) { secrets += ContextRedaction.secrets(in: given) }
        if malformed {
            // libpq quotes a URL it cannot parse in its message: the whole URL, and everything
            // that could be its password, are secrets.
            secrets += [given, Self.looseUserinfo(given)]
        }
        let values = (secrets.compactMap { $0 } + [ProcessInfo.processInfo.environment["PGPASSWORD"]].compactMap { $0 })
            .filter { !$0.isEmpty }
        self.passwords = Array(Set(values)).sorted()
        var names: [(what: String, name: String)] = []
        for (key, what) in [("user", "the user name"), ("dbname", "the database name"), ("host", "the host name")] {
            if let value = parsed?.first(where: { $0.key == key })?.value, !value.isEmpty { names.append((what, value)) }
        }
        self.names = names
        self.scrubber = SecretScrubber(secrets: values, names: names)
    }

    /// Keywords and values for `PQconnectStartParams` with `expand_dbname = 1`.
    ///
    /// `connect_timeout` and `application_name` come before the expanded string, so a value the
    /// string sets wins; `client_encoding` and the explicit password come after it, so they win.
    func keywords(connectTimeout: Duration) -> [(String, String)] {
        let seconds = max(1, Int((Double(connectTimeout.components.seconds)
            + Double(connectTimeout.components.attoseconds) / 1e18).rounded(.up)))
        var pairs: [(String, String)] = [
            ("connect_timeout", String(seconds)),
            ("application_name", "assay"),
            ("dbname", conninfo),
            ("client_encoding", "UTF8"),
        ]
        if let password { pairs.append(("password", password)) }
        return pairs
    }

    // MARK: - Parsing

    static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// The options a connection string sets, as libpq itself parses them (no environment), or nil
    /// if it is neither a URL nor a `key=value` string.
    static func parse(_ conninfo: String) -> [(key: String, value: String)]? {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            if let error { PQfreemem(error) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var pairs: [(key: String, value: String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { pairs.append((String(cString: keyword), String(cString: value))) }
            option += 1
        }
        return pairs
    }

    /// Everything between the first `:` after `://` and the last `@` of a URL (nil without them):
    /// in a URL too malformed to read, the password is somewhere in there.
    static func looseUserinfo(_ url: String) -> String? {
        guard let scheme = url.range(of: "://"), let at = url.lastIndex(of: "@"), at > scheme.upperBound else { return nil }
        let userinfo = url[scheme.upperBound..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return String(userinfo) }
        return String(userinfo[userinfo.index(after: colon)...])
    }

    /// The URL as libpq must get it: its password percent-encoded, so that a password written with
    /// `/`, `#`, `?`, `@`, blanks or a stray `%` reaches libpq as its author meant it (libpq ends
    /// the user information at the first `@` or `/`). An escape already there is kept.
    static func normalizedURL(_ url: String) -> String {
        guard let reading = URLCredentials.connectionReading(ofURL: url), reading.isPlausible, let password = reading.password
        else { return url }
        let bytes = Array(url.utf8)
        let raw = String(decoding: bytes[password], as: UTF8.self)
        let value = PercentEncoding.decode(raw) ?? raw
        return String(decoding: bytes[..<password.lowerBound], as: UTF8.self) + PercentEncoding.encode(value)
            + String(decoding: bytes[password.upperBound...], as: UTF8.self)
    }

    /// The URL with the password removed from its user information and its query:
    /// `postgres://app:pw@db/app?password=pw&sslmode=require` → `postgres://app@db/app?sslmode=require`.
    static func urlWithoutPasswords(_ url: String) -> String {
        var url = url
        if let reading = URLCredentials.reading(ofURL: url), let password = reading.password {
            let bytes = Array(url.utf8)
            url = String(decoding: bytes[..<(password.lowerBound - 1)], as: UTF8.self)  // with its `:`
                + String(decoding: bytes[password.upperBound...], as: UTF8.self)
        }
        guard let question = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: question)...].split(separator: "&").filter { item in
            !secretKeywords.contains(queryKey(item))
        }
        return url[..<question] + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// Passwords a URL carries, in its user information (the strict and the lenient reading) or its
    /// query, raw and percent-decoded.
    static func urlPasswords(_ url: String) -> [String] {
        var found: [String] = []
        let bytes = Array(url.utf8)
        for reading in [URLCredentials.connectionReading(ofURL: url), URLCredentials.reading(ofURL: url)] {
            if let password = reading?.password, !password.isEmpty {
                let raw = String(decoding: bytes[password], as: UTF8.self)
                if !found.contains(raw) { found.append(raw) }
            }
        }
        if let question = url.firstIndex(of: "?") {
            for item in url[url.index(after: question)...].split(separator: "&") {
                let parts = item.split(separator: "=", maxSplits: 1)
                if parts.count == 2, secretKeywords.contains(queryKey(item)) { found.append(String(parts[1])) }
            }
        }
        return found + found.compactMap { $0.removingPercentEncoding }
    }

    /// The lower-cased, percent-decoded key of a `key=value` query item.
    private static func queryKey(_ item: Substring) -> String {
        let key = item.split(separator: "=", maxSplits: 1).first ?? ""
        return (key.removingPercentEncoding ?? String(key)).lowercased()
    }

    static func quoteConninfoValue(_ value: String) -> String {
        if !value.isEmpty, !value.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" }) { return value }
        return "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
