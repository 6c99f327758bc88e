import CLibPQ
import Foundation

/// Where and as whom to connect: a libpq URL or `key=value` string, an optional explicit password,
/// the display address without secrets, and the scrubber that keeps those secrets out of messages.
///
/// Credentials come from the URL, the explicit password (which wins) or libpq's own environment
/// (`PGPASSWORD`, `PGPASSFILE`/`~/.pgpass`). Every other libpq option in the string (`sslmode`,
/// `sslrootcert`, `target_session_attrs`, …) is passed through untouched.
struct LibPQTarget: Sendable {
    /// The connection string exactly as given (may hold a password: never display it).
    let conninfo: String
    let password: String?
    /// The connection string without any password, for reports and messages.
    let address: String
    let scrubber: SecretScrubber

    /// Option keywords whose values are secrets.
    static let secretKeywords: Set<String> = ["password", "sslpassword"]

    init(conninfo: String, password: String?) {
        self.conninfo = conninfo
        self.password = password
        let parsed = Self.parse(conninfo)
        if Self.isURL(conninfo) {
            var address = Self.urlWithoutPasswords(conninfo)
            // libpq ends the user information at the first `@` or `/` only, so a password written with
            // a blank, `#` or `?` escapes the reading above; take out what libpq itself reads.
            for (key, value) in parsed ?? [] where key == "password" && !value.isEmpty {
                address = address.replacingOccurrences(of: ":\(value)@", with: "@")
            }
            self.address = address
        } else if let parsed {
            self.address = parsed
                .filter { !Self.secretKeywords.contains($0.key) }
                .map { "\($0.key)=\(Self.quoteConninfoValue($0.value))" }
                .joined(separator: " ")
        } else {
            self.address = SecretScrubber.redactPasswordPairs(conninfo)
        }
        var secrets = [password, ProcessInfo.processInfo.environment["PGPASSWORD"]]
        for (key, value) in parsed ?? [] where Self.secretKeywords.contains(key) { secrets.append(value) }
        if Self.isURL(conninfo) { secrets += Self.urlPasswords(conninfo) }
        self.scrubber = SecretScrubber(secrets: secrets)
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

    /// The URL with the password removed from its user information and its query:
    /// `postgres://app:pw@db/app?password=pw&sslmode=require` → `postgres://app@db/app?sslmode=require`.
    static func urlWithoutPasswords(_ url: String) -> String {
        var url = url
        if let password = SecretRedaction.urlPasswordRanges(in: url).first {
            url.removeSubrange(url.index(before: password.lowerBound)..<password.upperBound)  // with its `:`
        }
        guard let question = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: question)...].split(separator: "&").filter { item in
            !secretKeywords.contains(queryKey(item))
        }
        return url[..<question] + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// Passwords a URL carries, in its user information or its query, raw and percent-decoded.
    static func urlPasswords(_ url: String) -> [String] {
        var found = Array(SecretRedaction.urlPasswords(in: url).prefix(1))
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
