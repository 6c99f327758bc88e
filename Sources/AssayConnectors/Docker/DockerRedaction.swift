import AssayCore

/// Removes secrets from Engine API answers before any check sees them.
///
/// Where secrets live in Engine API answers, and what happens to them (each has a test in
/// `DockerRequestTests` and a leak case on the stack's engine):
///
/// | where | what |
/// |---|---|
/// | `Config.Env`, `ContainerConfig.Env` (containers, images) | `KEY=value` whose key is secret (``SecretKeyRules``) becomes `KEY=<redacted>` and is described in `Config.SecretEnv`; any other value is scrubbed as text (URL passwords, `--password x`, tokens by shape) |
/// | `Labels` anywhere (inspect `Config`, listings, images, networks, volumes, `/info`) | a label whose name is secret (`com.example.db-password`, `traefik…basicauth.users`) becomes `<redacted>`; other values are scrubbed as text |
/// | `HostConfig.LogConfig.Config` | log-driver options: a secret option (`splunk-token`) becomes `<redacted>`; others (`syslog-address=tcp://u:pw@h`) are scrubbed as text |
/// | `Options`, `DriverOpts` (networks, volumes, endpoints) | driver options (`o=addr=…,password=…` of a CIFS volume): as labels |
/// | `Cmd`, `Entrypoint`, `Healthcheck.Test`, `OnBuild`, `Path` + `Args` | ``TextRedaction/arguments(_:)`` |
/// | the `Command` string of listings | ``TextRedaction/text(_:)`` |
/// | `/info`: `HttpProxy`, `HttpsProxy`, `NoProxy` | URL credentials |
package enum DockerRedaction {
    /// What replaces a secret value; command lines get ``TextRedaction/placeholder``.
    static let placeholder = "<redacted>"

    /// Members that hold `{name: value}` maps of labels or driver options, wherever they are.
    static let mapMembers: Set<String> = ["Labels", "Options", "DriverOpts"]

    /// Applies the redaction that fits the resource to its decoded answer.
    static func redact(_ value: JSONValue, for resource: DockerRequest.Resource) -> JSONValue {
        switch resource {
        case .container, .image: return redactMaps(redactInspect(value))
        case .containers: return redactMaps(mapArray(value, redactListing))
        case .systemDF:
            guard case .object(var members) = value else { return value }
            if let containers = members["Containers"] { members["Containers"] = mapArray(containers, redactListing) }
            return redactMaps(.object(members))
        case .info:
            guard case .object(var members) = value else { return value }
            for key in ["HttpProxy", "HttpsProxy", "NoProxy"] {
                if let text = members[key]?.stringValue { members[key] = .string(SecretRedaction.redactURL(text)) }
            }
            return redactMaps(.object(members))
        case .images, .networks, .network, .volumes:
            return redactMaps(value)
        case .ping, .version:
            return value
        }
    }

    // MARK: - Inspect answers

    /// A container or image inspect answer: `Config`, `ContainerConfig`, `Path` + `Args` and
    /// `HostConfig.LogConfig.Config`.
    package static func redactInspect(_ value: JSONValue) -> JSONValue {
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
        if case .object(var host)? = members["HostConfig"], case .object(var log)? = host["LogConfig"],
            let options = log["Config"]
        {
            log["Config"] = redactMap(options)
            host["LogConfig"] = .object(log)
            members["HostConfig"] = .object(host)
        }
        return .object(members)
    }

    /// A container configuration: `Env`, `Cmd`, `Entrypoint`, `Healthcheck.Test`, `OnBuild`; adds
    /// `SecretEnv` (empty without secrets).
    static func redactConfig(_ config: JSONValue) -> JSONValue {
        guard case .object(var members) = config else { return config }
        let (redacted, secrets) = redactEnvironment(members["Env"]?.arrayValue ?? [])
        if members["Env"]?.arrayValue != nil { members["Env"] = .array(redacted) }
        members["SecretEnv"] = .object(secrets)  // always there, so checks need not test for it
        for key in ["Cmd", "Entrypoint"] {
            if let args = members[key] { members[key] = redactArguments(args) }
        }
        if case .array(let triggers)? = members["OnBuild"] {
            members["OnBuild"] = .array(triggers.map { $0.stringValue.map { .string(TextRedaction.text($0)) } ?? $0 })
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
            if let password = SecretRedaction.urlPasswords(in: value, wholeValue: true).first {
                secrets[key] = SecretRedaction.describe(PercentEncoding.decode(password) ?? password)
            }
            let scrubbed = value.contains("://") ? SecretRedaction.redactURL(value, wholeValue: true) : value
            let redactedValue = TextRedaction.text(scrubbed)
            return redactedValue == value ? entry : .string("\(key)=\(redactedValue)")
        }
        return (redacted, secrets)
    }

    // MARK: - Maps: labels and driver options

    /// Every `Labels`, `Options` and `DriverOpts` map in the answer, at any depth.
    static func redactMaps(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items): return .array(items.map(redactMaps))
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                out[key] = mapMembers.contains(key) ? redactMap(member) : redactMaps(member)
            }
            return .object(out)
        default: return value
        }
    }

    /// A `{name: value}` map: a secret name loses its value, other values are scrubbed as text.
    static func redactMap(_ value: JSONValue) -> JSONValue {
        guard case .object(let members) = value else { return value }
        var out: [String: JSONValue] = [:]
        for (name, member) in members {
            guard let text = member.stringValue else {
                out[name] = member
                continue
            }
            if SecretRedaction.isSecretKey(name), !text.isEmpty {
                SecretRegistry.current?.registerFound(text)
                out[name] = .string(placeholder)
            } else {
                let scrubbed = text.contains("://") ? SecretRedaction.redactURL(text, wholeValue: true) : text
                out[name] = .string(TextRedaction.text(scrubbed))
            }
        }
        return .object(out)
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
