import AssayCore

/// Removes secrets from Engine API answers before any check sees them.
///
/// - `Config.Env` (containers and images, and `ContainerConfig.Env` of images): `KEY=value` whose
///   key looks secret (``SecretRedaction/isSecretKey(_:)``) becomes `KEY=<redacted>`; a value that is
///   a URL with a password keeps everything but the password. `Config.SecretEnv` then maps each
///   such key to ``SecretRedaction/describe(_:)`` of the secret, so checks can still judge weak
///   defaults.
/// - Command lines (`Cmd`, `Entrypoint`, `Args`, the `Command` of listings): the value after a
///   secret-looking flag (`--requirepass x`, `--password=x`) and URL passwords.
/// - `/info`: proxy URLs with credentials.
enum DockerRedaction {
    static let placeholder = "<redacted>"

    /// Applies the redaction that fits the resource to its decoded answer.
    static func redact(_ value: JSONValue, for resource: DockerRequest.Resource) -> JSONValue {
        switch resource {
        case .container, .image: return redactInspect(value)
        case .containers: return mapArray(value, redactListing)
        case .systemDF:
            guard case .object(var members) = value else { return value }
            if let containers = members["Containers"] { members["Containers"] = mapArray(containers, redactListing) }
            return .object(members)
        case .info:
            guard case .object(var members) = value else { return value }
            for key in ["HttpProxy", "HttpsProxy", "NoProxy"] {
                if let text = members[key]?.stringValue { members[key] = .string(SecretRedaction.redactURL(text)) }
            }
            return .object(members)
        case .ping, .version, .images, .networks, .network, .volumes:
            return value
        }
    }

    // MARK: - Inspect answers

    /// A container or image inspect answer: `Config`, `ContainerConfig` and `Args`.
    static func redactInspect(_ value: JSONValue) -> JSONValue {
        guard case .object(var members) = value else { return value }
        for key in ["Config", "ContainerConfig"] {
            if let config = members[key] { members[key] = redactConfig(config) }
        }
        if let args = members["Args"]?.arrayValue { members["Args"] = .array(redactArguments(args)) }
        return .object(members)
    }

    /// A container configuration: `Env`, `Cmd`, `Entrypoint`; adds `SecretEnv` (empty without secrets).
    static func redactConfig(_ config: JSONValue) -> JSONValue {
        guard case .object(var members) = config else { return config }
        let (redacted, secrets) = redactEnvironment(members["Env"]?.arrayValue ?? [])
        if members["Env"]?.arrayValue != nil { members["Env"] = .array(redacted) }
        members["SecretEnv"] = .object(secrets)  // always there, so checks need not test for it
        for key in ["Cmd", "Entrypoint"] {
            if let args = members[key]?.arrayValue { members[key] = .array(redactArguments(args)) }
        }
        return .object(members)
    }

    /// `KEY=value` entries with secret values replaced, and a description of each secret by key.
    static func redactEnvironment(_ env: [JSONValue]) -> (env: [JSONValue], secrets: [String: JSONValue]) {
        var secrets: [String: JSONValue] = [:]
        let redacted = env.map { entry -> JSONValue in
            guard let text = entry.stringValue, let eq = text.firstIndex(of: "=") else { return entry }
            let key = String(text[..<eq])
            let value = String(text[text.index(after: eq)...])
            if SecretRedaction.isSecretKey(key) {
                secrets[key] = SecretRedaction.describe(value)
                return .string("\(key)=\(placeholder)")
            }
            if let password = urlPassword(value) {
                secrets[key] = SecretRedaction.describe(password)
                return .string("\(key)=\(SecretRedaction.redactURL(value))")
            }
            return entry
        }
        return (redacted, secrets)
    }

    // MARK: - Command lines

    /// Arguments with the value of secret flags and URL passwords removed.
    static func redactArguments(_ args: [JSONValue]) -> [JSONValue] {
        let strings = args.map { $0.stringValue }
        guard strings.allSatisfy({ $0 != nil }) else { return args }
        return redactWords(strings.map { $0! }).map(JSONValue.string)
    }

    static func redactWords(_ words: [String]) -> [String] {
        var out: [String] = []
        var hideNext = false
        for word in words {
            if hideNext {
                out.append(placeholder)
                hideNext = false
                continue
            }
            if let eq = word.firstIndex(of: "="), isSecretFlag(word[..<eq]) {
                out.append(String(word[...eq]) + placeholder)
            } else if word.hasPrefix("-"), isSecretFlag(word[...]) {
                out.append(word)
                hideNext = true
            } else {
                out.append(SecretRedaction.redactURL(word))
            }
        }
        return out
    }

    /// The `Command` string of a container listing, redacted word by word.
    static func redactListing(_ entry: JSONValue) -> JSONValue {
        guard case .object(var members) = entry, let command = members["Command"]?.stringValue else { return entry }
        let words = command.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        members["Command"] = .string(redactWords(words).joined(separator: " "))
        return .object(members)
    }

    private static func isSecretFlag(_ flag: Substring) -> Bool {
        let name = flag.drop { $0 == "-" }
        guard !name.isEmpty else { return false }
        return SecretRedaction.isSecretKey(String(name))
    }

    // MARK: - Helpers

    /// The password in a URL's user information, if there is one (the same reading as
    /// ``SecretRedaction/redactURL(_:)``).
    static func urlPassword(_ text: String) -> String? {
        guard SecretRedaction.containsURLPassword(text), let schemeEnd = text.range(of: "://") else { return nil }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return nil }
        let userinfo = authority[..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return nil }
        return String(userinfo[userinfo.index(after: colon)...])
    }

    private static func mapArray(_ value: JSONValue, _ transform: (JSONValue) -> JSONValue) -> JSONValue {
        guard case .array(let items) = value else { return value }
        return .array(items.map(transform))
    }
}
