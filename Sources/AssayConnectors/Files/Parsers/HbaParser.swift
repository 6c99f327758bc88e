import AssayCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads `pg_hba.conf`.
///
/// Follows PostgreSQL's tokenizer (`hba.c`): fields are separated by blanks, a field may be a
/// comma-separated list (blanks after a comma allowed), double quotes protect blanks, commas and
/// keywords (`""` is a quote), `#` outside quotes starts a comment, and a line ending in `\`
/// continues on the next (PostgreSQL 16). `include`, `include_if_exists` and `include_dir` lines
/// are listed in `includes`, not followed.
///
/// Result: `{rules = [rule], includes = [{directive, path, line}]}` with each rule
/// ```
/// { line = 12, type = "host", database = { "all" }, user = { "app", "+admins" },
///   address = "10.0.0.0/8", netmask = nil, method = "scram-sha-256", options = { clientcert = "verify-full" },
///   address_kind = "cidr", family = "ipv4", prefix = 8 }
/// ```
/// `local` rules have no address. `address_kind` is `cidr` (an address with a prefix length or a
/// netmask), `keyword` (`all`, `samehost`, `samenet`) or `hostname`; `family` (`ipv4`/`ipv6`) and
/// `prefix` come with `cidr`. Option values under secret-looking names (`ldapbindpasswd`,
/// `radiussecrets`) are secret descriptions.
enum HbaParser {
    static let connectionTypes: Set<String> = ["local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"]
    static let methods: Set<String> = [
        "trust", "reject", "scram-sha-256", "md5", "password", "gss", "sspi", "ident", "peer", "ldap", "radius",
        "cert", "pam", "bsd",
    ]
    static let includeDirectives: Set<String> = ["include", "include_if_exists", "include_dir"]

    /// One token: its text and whether it was quoted (a quoted `all` is a name, not the keyword).
    struct Token {
        var text: String
        var quoted: Bool
    }

    static func parse(_ text: String, path: String) throws(ConfigParseError) -> JSONValue {
        var rules: [JSONValue] = []
        var includes: [JSONValue] = []
        // A logical line: physical lines joined where one ends in `\`, appended in place so that a
        // file of continued lines costs linear time. At the end of the file the pending line
        // stands as it is, as PostgreSQL reads it.
        var content = ""
        var startLine = 0
        var continuing = false
        // The first non-blank character of the logical line, found once: asking again of the
        // whole growing line was quadratic on continued blank lines (found by the fuzzer).
        var leading: Character?
        let physical = TextLines(text).lines
        for (position, line) in physical.enumerated() {
            if !continuing {
                content = ""
                startLine = line.number
                leading = nil
            }
            content += line.text
            if leading == nil { leading = line.text.first { !$0.isWhitespace } }
            if line.text.hasSuffix("\\"), leading != "#" {
                content.removeLast()
                continuing = true
                if position < physical.count - 1 { continue }
            }
            continuing = false
            guard let fields = tokenize(content) else {
                throw ConfigParseError(path: path, line: startLine, message: "unterminated quoted field")
            }
            guard !fields.isEmpty else { continue }
            if fields[0].count == 1, !fields[0][0].quoted, includeDirectives.contains(fields[0][0].text) {
                guard fields.count == 2, fields[1].count == 1 else {
                    throw ConfigParseError(path: path, line: startLine, message: "\(fields[0][0].text) needs one path")
                }
                includes.append([
                    "directive": .string(fields[0][0].text), "path": .string(fields[1][0].text),
                    "line": .int(Int64(startLine)),
                ])
                continue
            }
            do {
                rules.append(try rule(fields, line: startLine))
            } catch {
                throw ConfigParseError(path: path, line: startLine, message: error.message)
            }
        }
        return ["rules": .array(rules), "includes": .array(includes)]
    }

    struct Failure: Error {
        var message: String
    }

    /// Builds one rule from its fields.
    static func rule(_ fields: [[Token]], line: Int) throws(Failure) -> JSONValue {
        var remaining = fields[...]
        func single(_ what: String) throws(Failure) -> String {
            guard let field = remaining.popFirst() else { throw Failure(message: "end-of-line before \(what)") }
            guard field.count == 1 else { throw Failure(message: "\(what) cannot be a list") }
            return field[0].text
        }
        let type = try single("connection type")
        guard connectionTypes.contains(type) else {
            throw Failure(
                message:
                    "invalid connection type (expected local, host, hostssl, hostnossl, hostgssenc or hostnogssenc)")
        }
        guard let databases = remaining.popFirst() else {
            throw Failure(message: "end-of-line before database specification")
        }
        guard let users = remaining.popFirst() else { throw Failure(message: "end-of-line before role specification") }
        var rule: [String: JSONValue] = [
            "line": .int(Int64(line)), "type": .string(type),
            "database": .array(databases.map { .string($0.text) }), "user": .array(users.map { .string($0.text) }),
        ]
        if type != "local" {
            let address = try single("IP address")
            rule["address"] = .string(address)
            if ["all", "samehost", "samenet"].contains(address) {
                rule["address_kind"] = "keyword"
            } else if let slash = address.firstIndex(of: "/") {
                let host = String(address[..<slash])
                guard let family = family(of: host), let prefix = Int(address[address.index(after: slash)...]),
                    prefix >= 0, prefix <= (family == "ipv4" ? 32 : 128)
                else { throw Failure(message: "invalid IP mask in address") }
                rule.merge(["address_kind": "cidr", "family": .string(family), "prefix": .int(Int64(prefix))]) { $1 }
            } else if let family = family(of: address) {
                let netmask = try single("netmask")
                guard family == self.family(of: netmask), let mask = maskBits(netmask) else {
                    throw Failure(message: "invalid IP mask")
                }
                // PostgreSQL takes any mask of the address's family, contiguous or not; `prefix`
                // is its number of one bits, which says as well how many addresses it admits.
                rule.merge([
                    "netmask": .string(netmask), "address_kind": "cidr", "family": .string(family),
                    "prefix": .int(Int64(mask.ones)), "contiguous_mask": .bool(mask.contiguous),
                ]) { $1 }
            } else {
                rule["address_kind"] = "hostname"
            }
        }
        let method = try single("authentication method")
        guard methods.contains(method) else {
            throw Failure(
                message: "invalid authentication method (expected trust, reject, scram-sha-256, md5, password, "
                    + "peer, ident, cert, ldap, …)")
        }
        rule["method"] = .string(method)
        var options: [String: JSONValue] = [:]
        for field in remaining {
            for token in field {
                guard let equals = token.text.firstIndex(of: "="), equals != token.text.startIndex else {
                    throw Failure(message: "authentication option not in name=value format")
                }
                let name = String(token.text[..<equals])
                options[name] = TextRedaction.value(String(token.text[token.text.index(after: equals)...]), key: name)
            }
        }
        rule["options"] = .object(options)
        return .object(rule)
    }

    // MARK: - Tokens

    /// Splits a line into fields of comma-separated tokens; nil on an unterminated quote.
    static func tokenize(_ line: String) -> [[Token]]? {
        var fields: [[Token]] = []
        var field: [Token] = []
        var text = ""
        var quoted = false
        var inQuotes = false
        var hasToken = false
        var afterComma = false
        let chars = Array(line)
        var index = 0
        func endToken() {
            if hasToken { field.append(Token(text: text, quoted: quoted)) }
            text = ""
            quoted = false
            hasToken = false
        }
        while index < chars.count {
            let c = chars[index]
            if inQuotes {
                if c == "\"" {
                    if index + 1 < chars.count, chars[index + 1] == "\"" {
                        text.append("\"")
                        index += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    text.append(c)
                }
                index += 1
                continue
            }
            switch c {
            case "#":
                index = chars.count
                continue
            case "\"":
                inQuotes = true
                quoted = true
                hasToken = true
            case ",":
                endToken()
                afterComma = true
            case let blank where blank.isWhitespace:
                if hasToken || !field.isEmpty, !afterComma {
                    endToken()
                    if !field.isEmpty {
                        fields.append(field)
                        field = []
                    }
                }
            default:
                text.append(c)
                hasToken = true
                afterComma = false
            }
            if c == "\"" { afterComma = false }
            index += 1
        }
        if inQuotes { return nil }
        endToken()
        if !field.isEmpty { fields.append(field) }
        return fields
    }

    // MARK: - Addresses

    /// `ipv4` or `ipv6` for a numeric address, nil for anything else.
    static func family(of address: String) -> String? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return "ipv4" }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 { return "ipv6" }
        return nil
    }

    /// The one bits of a netmask and whether they are all leading ones; nil when it is no address.
    static func maskBits(_ netmask: String) -> (ones: Int, contiguous: Bool)? {
        var bytes: [UInt8]
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, netmask, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, netmask, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
        var ones = 0
        var contiguous = true
        var seenZero = false
        for byte in bytes {
            for bit in (0..<8).reversed() {
                if byte & (1 << bit) != 0 {
                    if seenZero { contiguous = false }
                    ones += 1
                } else {
                    seenZero = true
                }
            }
        }
        return (ones, contiguous)
    }
}
