import AssayCore

/// Reads a Redis server through hiredis, with read-only commands only.
///
/// Operations:
/// - `command [argv…]`: one command of ``RedisCommandPolicy/allowed`` (`INFO`, `CONFIG GET`,
///   `ACL LIST`, `SLOWLOG GET`, …), answered as JSON (strings, ints, null, arrays). Anything else is
///   refused before a byte is sent.
/// - `info [section…]` → `{section = {field = value}}`, values typed.
/// - `config_get [pattern…]` (default `*`) → `{name = value}`.
/// - `slowlog [count]` → `[{id, timestamp, duration_us, args, client, client_name}]`.
/// - `client_list` → `[{field = value}]`; `acl_list` → `[{user, enabled, nopass, passwords, rules}]`;
///   `role` → `{role, …}`.
///
/// Secrets (`requirepass`, `masterauth`, ACL password hashes) are replaced by ``RedisRedaction``.
/// Error replies are ``ConnectorError/Kind/denied``: a renamed or disabled command says so, and
/// `NOPERM` says that the ACL denies the command. Only the first 4 KiB of an error reply are ever
/// kept (``RESPFrameScanner/errorPrefixBytes``), and no call is retried.
///
/// Replies are bounded while they are read (``ConnectorOptions/replyLimits``: bytes, array
/// elements, nesting). A reply over a cap, a reply that breaks RESP, a close in the middle of a
/// reply or an answer of the wrong shape fails its call with ``ConnectorError/Kind/failed``; a
/// passed deadline with ``ConnectorError/Kind/timeout``; ``ConnectorError/Kind/unreachable`` means
/// the server could not be connected to. Whatever failed, the connection is dropped and the next
/// call opens a new one: no failure of one call leaks into the next.
///
/// The connection opens on the first call (connect, `AUTH`, `SELECT`), within the call's deadline.
/// `rediss://` is refused: Debian's hiredis 0.14 has no TLS.
///
/// ```swift
/// let redis = RedisConnector(url: "redis://127.0.0.1:6379", password: secret)
/// let memory = try redis.call("info", ["memory"], deadline: .after(.seconds(2)))
/// ```
public final class RedisConnector: Connector {
    public let kind: TargetKind = .redis
    /// The URL without the password, such as `redis://127.0.0.1:6379/0`.
    public let address: String

    private let endpoint: Result<RedisEndpoint, ConnectorError>
    /// Keeps the password (as given, in the URL, percent-decoded) out of error messages.
    private let scrubber: SecretScrubber
    private let options: ConnectorOptions
    private var connection: HiredisConnection?

    /// - Parameters:
    ///   - url: `redis://[user[:password]@]host[:port][/db]` or `unix:///path/redis.sock[?db=N]`.
    ///   - password: replaces the URL's password, if any.
    ///   - options: connect timeout and per-call deadline.
    public init(url: String, password: String? = nil, options: ConnectorOptions = ConnectorOptions()) {
        self.options = options
        do {
            let parsed = try RedisEndpoint.parse(url, password: password)
            endpoint = .success(parsed)
            address = parsed.address
        } catch {
            endpoint = .failure(error)
            address = url.lowercased().hasPrefix("rediss://") ? SecretRedaction.redactURL(url) : "redis (invalid URL)"
        }
        var secrets = [password]
        for raw in SecretRedaction.urlPasswords(in: url) { secrets += [raw, PercentEncoding.decode(raw)] }
        scrubber = SecretScrubber(secrets: secrets)
    }

    public func close() { connection = nil }

    public func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) throws(ConnectorError)
        -> JSONValue
    {
        let deadline = options.callDeadline(deadline)
        switch operation {
        case "command":
            let argv = try strings(arguments, for: operation)
            let reply = try run(argv, deadline: deadline)
            return RedisRedaction.redact(reply: reply.json, of: argv)
        case "info":
            let argv = ["INFO"] + (try strings(arguments, for: operation))
            return RedisReplies.info(try expectText(try run(argv, deadline: deadline), of: argv))
        case "config_get":
            let patterns = try strings(arguments, for: operation)
            let argv = ["CONFIG", "GET"] + (patterns.isEmpty ? ["*"] : patterns)
            let reply = try expectArray(try run(argv, deadline: deadline), of: argv, pairs: true)
            return .object(RedisRedaction.redactConfig(RedisReplies.configMap(reply)))
        case "slowlog":
            let count = try strings(arguments, for: operation)
            guard count.count <= 1, count.allSatisfy({ Int($0).map { $0 >= -1 } ?? false }) else {
                throw ConnectorError(.refused, "redis: slowlog takes at most one argument, a count")
            }
            let argv = ["SLOWLOG", "GET"] + count
            return RedisReplies.slowlog(try expectArray(try run(argv, deadline: deadline), of: argv))
        case "client_list":
            try noArguments(arguments, for: operation)
            let argv = ["CLIENT", "LIST"]
            return RedisReplies.clientList(try expectText(try run(argv, deadline: deadline), of: argv))
        case "acl_list":
            try noArguments(arguments, for: operation)
            let argv = ["ACL", "LIST"]
            return RedisReplies.aclList(try expectArray(try run(argv, deadline: deadline), of: argv))
        case "role":
            try noArguments(arguments, for: operation)
            return RedisReplies.role(try expectArray(try run(["ROLE"], deadline: deadline), of: ["ROLE"]))
        default:
            throw ConnectorError(
                .refused,
                "redis: unknown operation '\(operation.prefix(40))' "
                    + "(command, info, config_get, slowlog, client_list, acl_list, role)")
        }
    }

    // MARK: - Commands

    /// Checks the command against the allowlist, then sends it; an error reply becomes `.denied`.
    private func run(_ argv: [String], deadline: Deadline) throws(ConnectorError) -> RedisReply {
        try RedisCommandPolicy.check(argv)
        let reply = try send(argv, deadline: deadline)
        if case .error(let message) = reply { throw denied(message, argv: argv) }
        return reply
    }

    /// Sends one command on the connection, opening it first if needed (or again, when the last
    /// call left it out of sync or the server closed it since). Any failure or timeout drops the
    /// connection, so that the next call starts on a fresh one; so does a reply followed by bytes
    /// nobody asked for.
    private func send(_ argv: [String], deadline: Deadline) throws(ConnectorError) -> RedisReply {
        do throws(ConnectorError) {
            let connection: HiredisConnection
            if let existing = self.connection, existing.isReusable {
                connection = existing
            } else {
                self.connection = nil
                connection = try open(deadline: deadline)
            }
            self.connection = connection
            let reply = try connection.execute(argv, limits: options.replyLimits, deadline: deadline)
            if !connection.isInSync { self.connection = nil }
            return reply
        } catch {
            connection = nil
            throw scrubbed(error)
        }
    }

    private func open(deadline: Deadline) throws(ConnectorError) -> HiredisConnection {
        let endpoint = try endpoint.get()
        let connection = try HiredisConnection.open(
            endpoint.location, peer: address, deadline: deadline.earliest(.after(options.connectTimeout)))
        let limits = options.replyLimits
        if let password = endpoint.password {
            let argv = endpoint.user.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            if case .error(let message) = try connection.execute(argv, limits: limits, deadline: deadline) {
                // A server without any password accepts everyone: go on, the checks will say so.
                let noPasswordConfigured = endpoint.user == nil && message.contains("without any password configured")
                if !noPasswordConfigured {
                    throw ConnectorError(.denied, "redis \(address): authentication failed: \(message)")
                }
            }
        }
        if let database = endpoint.database, database != 0 {
            let argv = ["SELECT", String(database)]
            if case .error(let message) = try connection.execute(argv, limits: limits, deadline: deadline) {
                throw ConnectorError(.denied, "redis \(address): SELECT \(database) failed: \(message)")
            }
        }
        guard connection.isInSync else {
            throw ConnectorError(.failed, "redis \(address): the server answered more than it was asked while logging in")
        }
        return connection
    }

    // MARK: - Answers

    /// The text of a reply that Redis sends as a bulk or status string (`INFO`, `CLIENT LIST`).
    private func expectText(_ reply: RedisReply, of argv: [String]) throws(ConnectorError) -> String {
        guard let text = reply.text else { throw wrongAnswer(reply, to: argv, expected: "text") }
        return text
    }

    /// A reply that Redis sends as an array (of name/value pairs for `CONFIG GET`).
    private func expectArray(_ reply: RedisReply, of argv: [String], pairs: Bool = false) throws(ConnectorError)
        -> RedisReply
    {
        guard case .array(let items) = reply else { throw wrongAnswer(reply, to: argv, expected: "an array") }
        if pairs, items.count % 2 != 0 || !items.allSatisfy({ $0.text != nil }) {
            throw wrongAnswer(reply, to: argv, expected: "name/value pairs of strings")
        }
        return reply
    }

    private func wrongAnswer(_ reply: RedisReply, to argv: [String], expected: String) -> ConnectorError {
        let actual: String
        switch reply {
        case .status, .string: actual = "text"
        case .integer: actual = "an integer"
        case .null: actual = "nil"
        case .array(let items): actual = "an array of \(items.count) elements"
        case .error: actual = "an error"
        }
        let name = RedisCommandPolicy.name(of: argv)
        return ConnectorError(.failed, "redis \(address): \(name) answered \(actual) where Redis sends \(expected)")
    }

    // MARK: - Errors

    private func denied(_ message: String, argv: [String]) -> ConnectorError {
        let name = RedisCommandPolicy.name(of: argv)
        let upper = message.uppercased()
        let text: String
        if upper.hasPrefix("NOPERM") {
            text = "redis \(address): the ACL denies \(name) to this user (\(message))"
        } else if upper.hasPrefix("ERR UNKNOWN COMMAND") {
            let command = argv.first?.uppercased() ?? name
            text = "redis \(address): \(command) is disabled or renamed on this server (\(message))"
        } else {
            text = "redis \(address): \(name) failed: \(message)"
        }
        return scrubbed(ConnectorError(.denied, text))
    }

    /// The error with the password removed, should the server or hiredis ever echo it.
    private func scrubbed(_ error: ConnectorError) -> ConnectorError {
        ConnectorError(error.kind, scrubber.scrub(error.message))
    }

    // MARK: - Arguments

    private func strings(_ arguments: [JSONValue], for operation: String) throws(ConnectorError) -> [String] {
        let flat = arguments.count == 1 ? (arguments[0].arrayValue ?? arguments) : arguments
        var out: [String] = []
        for argument in flat {
            switch argument {
            case .string(let s): out.append(s)
            case .int(let i): out.append(String(i))
            default: throw ConnectorError(.refused, "redis: \(operation) takes strings and integers only")
            }
        }
        return out
    }

    private func noArguments(_ arguments: [JSONValue], for operation: String) throws(ConnectorError) {
        guard arguments.isEmpty else { throw ConnectorError(.refused, "redis: \(operation) takes no argument") }
    }
}
