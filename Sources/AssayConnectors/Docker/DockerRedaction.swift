import AssayCore

/// Removes secrets from Engine API answers before any check sees them.
///
/// - `Config.Env` (containers and images, and `ContainerConfig.Env` of images): `KEY=value` whose
///   key looks secret (``SecretRedaction/isSecretKey(_:)``) becomes `KEY=<redacted>`; a value that is
///   a URL with a password keeps everything but the password. `Config.SecretEnv` then maps each
///   such key to ``SecretRedaction/describe(_:)`` of the secret, so checks can still judge weak
///   defaults.
/// - Command lines — `Cmd`, `Entrypoint` and `Healthcheck.Test` of `Config` and `ContainerConfig`,
///   and `Path` + `Args` of containers — go through ``TextRedaction/arguments(_:)``; the `Command`
///   string of listings through ``TextRedaction/text(_:)``.
/// - `/info`: proxy URLs with credentials.
enum DockerRedaction {
    /// What replaces a secret environment value; command lines get ``TextRedaction/placeholder``.
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

    /// A container or image inspect answer: `Config`, `ContainerConfig` and `Path` + `Args`.
    static func redactInspect(_ value: JSONValue) -> JSONValue {
        guard case .object(var members) = value else { return value }
        for key in ["Config", "ContainerConfig"] {
            if let config = members[key] { members[key] = redactConfig(config) }
        }
        if let args = members["Args"] {
            // `Args` follows the program in `Path`: scrub them together, so `redis-cli -a` is seen.
            if let path = members["Path"]?.stringValue, case .array(let items) = args {
                let scrubbed = redactArguments(.array([.string(path)] + items)).arrayValue ?? []
                members["Args"] = .array(Array(scrubbed.dropFirst()))
            } else {
                members["Args"] = redactArguments(args)
            }
        }
        return .object(members)
    }

    /// A container configuration: `Env`, `Cmd`, `Entrypoint`, `Healthcheck.Test`; adds `SecretEnv`
    /// (empty without secrets).
    static func redactConfig(_ config: JSONValue) -> JSONValue {
        guard case .object(var members) = config else { return config }
        let (redacted, secrets) = redactEnvironment(members["Env"]?.arrayValue ?? [])
        if members["Env"]?.arrayValue != nil { members["Env"] = .array(redacted) }
        members["SecretEnv"] = .object(secrets)  // always there, so checks need not test for it
        for key in ["Cmd", "Entrypoint"] {
            if let args = members[key] { members[key] = redactArguments(args) }
        }
        if case .object(var healthcheck)? = members["Healthcheck"], let test = healthcheck["Test"] {
            healthcheck["Test"] = redactArguments(test)
            members["Healthcheck"] = .object(healthcheck)
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
            if let password = SecretRedaction.urlPasswords(in: value).first {
                secrets[key] = SecretRedaction.describe(password)
                return .string("\(key)=\(SecretRedaction.redactURL(value))")
            }
            return entry
        }
        return (redacted, secrets)
    }

    // MARK: - Command lines

    /// A command line given as an array, scrubbed by ``TextRedaction/arguments(_:)``; an array that is
    /// not all strings has each string scrubbed as text.
    static func redactArguments(_ value: JSONValue) -> JSONValue {
        guard case .array(let items) = value else { return value }
        let strings = items.compactMap(\.stringValue)
        guard strings.count == items.count else {
            return .array(items.map { item in item.stringValue.map { .string(TextRedaction.text($0)) } ?? item })
        }
        return .array(TextRedaction.arguments(strings).map(JSONValue.string))
    }

    /// The `Command` string of a container listing.
    static func redactListing(_ entry: JSONValue) -> JSONValue {
        guard case .object(var members) = entry, let command = members["Command"]?.stringValue else { return entry }
        members["Command"] = .string(TextRedaction.text(command))
        return .object(members)
    }

    // MARK: - Helpers

    private static func mapArray(_ value: JSONValue, _ transform: (JSONValue) -> JSONValue) -> JSONValue {
        guard case .array(let items) = value else { return value }
        return .array(items.map(transform))
    }
}
