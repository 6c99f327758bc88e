import AssayConnectors
import AssayCore
import AssayLua
import Foundation
import Yams

// MARK: - assay.yaml

extension Configuration {
    /// Reads `assay.yaml`. Relative check folders and `files` targets are resolved against the
    /// file's folder. Unknown keys are errors, so a typo never silently drops a setting.
    public static func load(path: String, kinds: TargetKindRegistry = .builtin) throws(ConfigurationError) -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("\(path): cannot read the configuration file")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(String(decoding: data, as: UTF8.self), file: path, baseDirectory: base, kinds: kinds)
    }

    /// Parses the text of an `assay.yaml`; `kinds` are the target kinds it may name.
    public static func parse(
        _ text: String, file: String = "assay.yaml", baseDirectory: String = ".", kinds: TargetKindRegistry = .builtin
    ) throws(ConfigurationError) -> Configuration {
        let document: JSONValue
        do {
            let resolver = Resolver.default.removing(.timestamp)
            document = try YAMLValue.json(Yams.load(yaml: text, resolver) ?? [String: Any]())
        } catch {
            // Yams' messages quote the offending line (the whole file, for a duplicate key).
            throw ConfigurationError(ConfigurationErrorText.yaml(error, file: file))
        }
        var reader = ConfigurationReader(file: file, baseDirectory: baseDirectory, kinds: kinds)
        return try reader.read(document)
    }
}

/// Turns what Yams gives into JSON values.
enum YAMLValue {
    static func json(_ any: Any) throws -> JSONValue {
        switch any {
        case let b as Bool: return .bool(b)
        case let i as Int: return .int(Int64(i))
        case let d as Double: return .double(d)
        case let s as String: return .string(s)
        case let list as [Any]: return .array(try list.map(json))
        case let map as [String: Any]: return .object(try map.mapValues(json))
        case let map as [AnyHashable: Any]:
            var members: [String: JSONValue] = [:]
            for (key, value) in map { members["\(key.base)"] = try json(value) }
            return .object(members)
        case is NSNull: return .null
        default: return .string("\(any)")
        }
    }
}

/// Reads the configuration document, naming the path of every problem (`waivers[2].expires`).
struct ConfigurationReader {
    let file: String
    let baseDirectory: String
    let kinds: TargetKindRegistry

    static let topLevelKeys: Set<String> = ["targets", "components", "checks", "inputs", "waivers", "policy", "limits", "outputs"]

    func fail(_ path: String, _ message: String) -> ConfigurationError {
        ConfigurationError("\(file): \(path): \(message)")
    }

    func object(_ value: JSONValue?, _ path: String, keys: Set<String>) throws(ConfigurationError) -> [String: JSONValue] {
        guard let value, !value.isNull else { return [:] }
        guard case .object(let members) = value else { throw fail(path, "expected a mapping") }
        for key in members.keys.sorted() where !keys.contains(key) {
            let shown = ConfigurationErrorText.shown(key, expected: Array(keys))
            throw fail(path, "unknown key \(shown) (expected \(keys.sorted().joined(separator: ", ")))")
        }
        return members
    }

    func string(_ value: JSONValue?, _ path: String) throws(ConfigurationError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        default: throw fail(path, "expected a string")
        }
    }

    func int(_ value: JSONValue?, _ path: String) throws(ConfigurationError) -> Int? {
        guard let value, !value.isNull else { return nil }
        guard let i = value.intValue, i >= 0 else { throw fail(path, "expected a non-negative integer") }
        return Int(i)
    }

    func score(_ value: JSONValue?, _ path: String) throws(ConfigurationError) -> Score? {
        guard let value, !value.isNull else { return nil }
        guard let score = Score(json: value), score.hundredths >= 0, score.hundredths <= 1000 else {
            throw fail(path, "expected a score between 0 and 10")
        }
        return score
    }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardized.path
    }

    mutating func read(_ document: JSONValue) throws(ConfigurationError) -> Configuration {
        let top = try object(document, "(top level)", keys: Self.topLevelKeys)
        var configuration = Configuration(kinds: kinds)
        configuration.targets = try targets(top["targets"])
        configuration.components = try components(top["components"])
        let checks = try object(top["checks"], "checks", keys: ["paths", "builtin", "include", "exclude"])
        configuration.checkPaths = try strings(checks["paths"], "checks.paths").map(resolve)
        if let builtin = checks["builtin"] {
            guard let b = builtin.boolValue else { throw fail("checks.builtin", "expected true or false") }
            configuration.builtinChecks = b
        }
        configuration.include = try strings(checks["include"], "checks.include")
        configuration.exclude = try strings(checks["exclude"], "checks.exclude")
        for (key, value) in try object(top["inputs"], "inputs", keys: Set(top["inputs"]?.objectValue?.keys.map { $0 } ?? [])) {
            if case .object(let perCheck) = value, key.uppercased() == key {
                configuration.checkInputs[key] = perCheck
            } else {
                configuration.inputs[key] = value
            }
        }
        configuration.waivers = try waivers(top["waivers"])
        configuration.policy = try policy(top["policy"])
        try limits(top["limits"], into: &configuration)
        configuration.outputs = try outputs(top["outputs"])
        return configuration
    }

    func strings(_ value: JSONValue?, _ path: String) throws(ConfigurationError) -> [String] {
        switch value {
        case nil, .null?: return []
        case .string(let s)?: return [s]
        case .array(let items)?:
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard let s = item.stringValue else { throw fail("\(path)[\(i)]", "expected a string") }
                out.append(s)
            }
            return out
        default: throw fail(path, "expected a list of strings")
        }
    }

    func targets(_ value: JSONValue?) throws(ConfigurationError) -> [TargetConfiguration] {
        guard let value, !value.isNull else { return [] }
        guard case .array(let items) = value else { throw fail("targets", "expected a list") }
        var result: [TargetConfiguration] = []
        for (i, item) in items.enumerated() {
            let path = "targets[\(i)]"
            let fields = try object(item, path, keys: ["name", "kind", "url", "path", "password_env", "password_file"])
            guard let kindName = try string(fields["kind"], "\(path).kind") else { throw fail(path, "missing 'kind'") }
            guard let kind = kinds.kind(named: kindName), let descriptor = kinds[kind] else {
                let shown = ConfigurationErrorText.shown(kindName, expected: kinds.kinds.map(\.rawValue))
                throw fail("\(path).kind", "unknown kind \(shown) (expected \(kinds.namesList))")
            }
            let key = descriptor.location.yamlKey
            guard let written = try string(fields[key], "\(path).\(key)") else { throw fail(path, "a \(kindName) target needs '\(key)'") }
            if let other = ["url", "path"].first(where: { $0 != key && fields[$0] != nil }) {
                throw fail("\(path).\(other)", "a \(kindName) target takes '\(key)', not '\(other)'")
            }
            if !descriptor.location.acceptsPassword, let given = ["password_env", "password_file"].first(where: { fields[$0] != nil }) {
                throw fail("\(path).\(given)", "a \(kindName) target takes no password")
            }
            let location = descriptor.location.form == .folder ? resolve(written) : written
            let name = try string(fields["name"], "\(path).name") ?? kind.rawValue
            if result.contains(where: { $0.name == name }) { throw fail("\(path).name", "duplicate target name '\(name)'") }
            result.append(
                TargetConfiguration(
                    name: name, kind: kind, location: location, passwordEnv: try string(fields["password_env"], "\(path).password_env"),
                    passwordFile: try string(fields["password_file"], "\(path).password_file").map(resolve)))
        }
        return result
    }

    func components(_ value: JSONValue?) throws(ConfigurationError) -> [ComponentStatement] {
        guard let value, !value.isNull else { return [] }
        guard case .array(let items) = value else { throw fail("components", "expected a list") }
        var result: [ComponentStatement] = []
        for (i, item) in items.enumerated() {
            let path = "components[\(i)]"
            let fields = try object(item, path, keys: ["name", "kind", "targets", "files", "services", "containers"])
            guard let name = try string(fields["name"], "\(path).name"), !name.isEmpty else { throw fail(path, "missing 'name'") }
            if result.contains(where: { $0.name == name }) { throw fail("\(path).name", "duplicate component name '\(name)'") }
            let kind = try string(fields["kind"], "\(path).kind")
            if let kind, !["postgres", "pgbouncer", "redis", "service"].contains(kind) {
                throw fail("\(path).kind", "unknown component kind (expected postgres, pgbouncer, redis, service)")
            }
            let statement = ComponentStatement(
                name: name, kind: kind, targets: try strings(fields["targets"], "\(path).targets"),
                files: try strings(fields["files"], "\(path).files"), services: try strings(fields["services"], "\(path).services"),
                containers: try strings(fields["containers"], "\(path).containers"))
            if statement.targets.isEmpty, statement.files.isEmpty, statement.services.isEmpty, statement.containers.isEmpty {
                throw fail(path, "a component needs at least one of targets, files, services, containers")
            }
            result.append(statement)
        }
        return result
    }

    func waivers(_ value: JSONValue?) throws(ConfigurationError) -> [Waiver] {
        guard let value, !value.isNull else { return [] }
        guard case .array(let items) = value else { throw fail("waivers", "expected a list") }
        var result: [Waiver] = []
        for (i, item) in items.enumerated() {
            let path = "waivers[\(i)]"
            let fields = try object(item, path, keys: ["check", "target", "resource", "justification", "expires"])
            guard let check = try string(fields["check"], "\(path).check") else { throw fail(path, "missing 'check'") }
            guard let justification = try string(fields["justification"], "\(path).justification"), !justification.isEmpty else {
                throw fail(path, "missing 'justification' (why is this risk accepted?)")
            }
            guard let expiresText = try string(fields["expires"], "\(path).expires") else {
                throw fail(path, "missing 'expires' (YYYY-MM-DD): waivers must end")
            }
            guard let expires = CalendarDate(expiresText) else { throw fail("\(path).expires", "expected a date YYYY-MM-DD") }
            result.append(
                Waiver(
                    check: check, target: try string(fields["target"], "\(path).target"),
                    resource: try string(fields["resource"], "\(path).resource"), justification: justification, expires: expires))
        }
        return result
    }

    func policy(_ value: JSONValue?) throws(ConfigurationError) -> Policy {
        var policy = Policy()
        let fields = try object(
            value, "policy", keys: ["certified", "conditional", "severity_weights", "category_weights", "pass_on", "validity_days"])
        func gate(_ v: JSONValue?, _ path: String, _ defaults: Policy.Gate) throws(ConfigurationError) -> Policy.Gate {
            guard v != nil else { return defaults }
            let g = try object(v, path, keys: ["min_score", "max_open", "max_errors"])
            var result = defaults
            if let s = try score(g["min_score"], "\(path).min_score") { result.minScore = s }
            if g["max_open"] != nil {
                result.maxOpen = [:]
                for (name, limit) in try object(g["max_open"], "\(path).max_open", keys: Set(Severity.allCases.map(\.rawValue))) {
                    result.maxOpen[Severity(rawValue: name)!] = try int(limit, "\(path).max_open.\(name)")
                }
            }
            if let errors = g["max_errors"] {
                result.maxErrors = errors.isNull ? nil : try int(errors, "\(path).max_errors")
            }
            return result
        }
        policy.certified = try gate(fields["certified"], "policy.certified", policy.certified)
        policy.conditional = try gate(fields["conditional"], "policy.conditional", policy.conditional)
        for (name, weight) in try object(fields["severity_weights"], "policy.severity_weights", keys: Set(Severity.allCases.map(\.rawValue))) {
            policy.severityWeights[Severity(rawValue: name)!] = try int(weight, "policy.severity_weights.\(name)")
        }
        let categoryKeys = Set(fields["category_weights"]?.objectValue?.keys.map { $0 } ?? [])
        for (name, weight) in try object(fields["category_weights"], "policy.category_weights", keys: categoryKeys) {
            policy.categoryWeights[name] = try int(weight, "policy.category_weights.\(name)")
        }
        if fields["pass_on"] != nil {
            var verdicts: Set<Verdict> = []
            for name in try strings(fields["pass_on"], "policy.pass_on") {
                guard let v = Verdict(rawValue: name.uppercased()) else {
                    let shown = ConfigurationErrorText.shown(name, expected: ["CERTIFIED", "CONDITIONAL", "NOT CERTIFIED"])
                    throw fail("policy.pass_on", "unknown verdict \(shown) (expected CERTIFIED, CONDITIONAL, NOT CERTIFIED)")
                }
                verdicts.insert(v)
            }
            policy.passingVerdicts = verdicts
        }
        if let days = try int(fields["validity_days"], "policy.validity_days") {
            guard days > 0 else { throw fail("policy.validity_days", "must be at least 1") }
            policy.validityDays = days
        }
        return policy
    }

    func limits(_ value: JSONValue?, into configuration: inout Configuration) throws(ConfigurationError) {
        let fields = try object(
            value, "limits",
            keys: [
                "memory_mb", "instructions", "check_timeout_ms", "connect_timeout_ms", "call_timeout_ms", "reply_max_mb",
                "reply_max_rows", "reply_max_elements", "reply_max_depth", "workers", "connections_per_server",
                "target_timeout_ms", "run_timeout_ms", "worker_memory_mb", "session_memory_mb",
                "findings_max", "findings_max_kb", "log_max_kb", "calls_max", "call_arguments_max_kb", "results_max_mb",
            ])
        if let mb = try int(fields["memory_mb"], "limits.memory_mb") { configuration.limits.memoryBytes = mb << 20 }
        if let n = try int(fields["instructions"], "limits.instructions") { configuration.limits.instructions = UInt64(n) }
        if let ms = try int(fields["check_timeout_ms"], "limits.check_timeout_ms") { configuration.limits.timeout = .milliseconds(ms) }
        if let ms = try int(fields["connect_timeout_ms"], "limits.connect_timeout_ms") {
            configuration.connectorOptions.connectTimeout = .milliseconds(ms)
        }
        if let ms = try int(fields["call_timeout_ms"], "limits.call_timeout_ms") {
            configuration.connectorOptions.callTimeout = .milliseconds(ms)
        }
        func positive(_ key: String) throws(ConfigurationError) -> Int? {
            guard let n = try int(fields[key], "limits.\(key)") else { return nil }
            guard n > 0 else { throw fail("limits.\(key)", "must be at least 1") }
            return n
        }
        if let mb = try positive("reply_max_mb") { configuration.connectorOptions.replyLimits.bytes = mb << 20 }
        if let n = try positive("reply_max_rows") { configuration.connectorOptions.replyLimits.rows = n }
        if let n = try positive("reply_max_elements") { configuration.connectorOptions.replyLimits.elements = n }
        if let n = try positive("reply_max_depth") { configuration.connectorOptions.replyLimits.depth = n }
        if let n = try int(fields["workers"], "limits.workers") { configuration.run.workers = n }
        if let n = try positive("connections_per_server") { configuration.run.connectionsPerServer = n }
        if let ms = try positive("target_timeout_ms") { configuration.run.targetTimeout = .milliseconds(ms) }
        if let ms = try positive("run_timeout_ms") { configuration.run.runTimeout = .milliseconds(ms) }
        if let mb = try positive("worker_memory_mb") { configuration.run.workerMemoryBytes = mb << 20 }
        if let mb = try positive("session_memory_mb") { configuration.run.sessionMemoryBytes = mb << 20 }
        // What the host keeps for one check run (SandboxLimits states each, HostBudget enforces them).
        if let n = try positive("findings_max") { configuration.limits.findings = n }
        if let kb = try positive("findings_max_kb") { configuration.limits.findingBytes = kb << 10 }
        if let kb = try positive("log_max_kb") { configuration.limits.logBytes = kb << 10 }
        if let n = try positive("calls_max") { configuration.limits.calls = n }
        if let kb = try positive("call_arguments_max_kb") { configuration.limits.callArgumentBytes = kb << 10 }
        if let mb = try positive("results_max_mb") { configuration.limits.resultBytes = mb << 20 }
    }
}
