import AssayCore
import Yams

/// Reads docker compose files.
///
/// YAML is read with Yams and typed as compose (go-yaml v3, YAML 1.2 core schema) types it: plain
/// `true`/`false` are booleans (`yes`/`no`/`on`/`off` stay strings), plain integers and decimals
/// are numbers, `null`/`~`/empty are null, quoted and block scalars are strings; anchors, aliases
/// and `<<` merge keys are resolved. Then, as compose does, every string value (not keys) is
/// interpolated: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`,
/// `${VAR:+alternative}`, and `$$` for a literal `$`, from the `.env` file in the compose file's
/// folder only (never from the environment of the audit). An interpolated value stays a string.
/// A `${VAR:?message}` whose variable is unset, or a malformed `$`, is a parse error.
///
/// What is normalised for checks, under `services.<name>`:
/// - `environment` and `build.args` are always maps (the list form `["A=b", "C"]` becomes
///   `{A = "b", C = null}`); values are strings (or null: taken from the shell).
/// - `ports` entries become `{host_ip, published, target, protocol, original, all_interfaces}`
///   (``ComposeShortSyntax/port(_:)``); the long form keeps its keys and gains the derived ones.
/// - `volumes` short entries become `{type, source, target, read_only, mode, original}`.
///
/// Secrets: a scalar under a secret-looking key anywhere in the document (environment,
/// `build.args`, `x-` blocks) becomes a ``SecretRedaction/describe(_:)`` table with
/// `source = "inline"` (written in the compose file) or `"interpolated"` (taken from `${…}`).
/// Text taken from a secret `.env` variable into any other string is replaced by `[REDACTED]`,
/// and every other string goes through ``TextRedaction`` (URL passwords, `--requirepass x`, …).
///
/// Added keys: `lines = { ["services.api"] = 4, ["services.api.ports"] = 9, version = 1 }` (top-level
/// keys, services and their keys) and `interpolation = { dotenv = ".env", missing = { "X" } }`.
enum ComposeParser {
    /// Most nodes converted for one document; aliases are expanded, so this bounds "billion laughs".
    static let nodeBudget = 100_000
    /// Deepest nesting of mappings and sequences converted; deeper is a parse error, not a stack
    /// overflow. (Compose has no limit of its own; 70-deep `x-` extensions occur in generated files.)
    static let maxDepth = 200

    static func parse(
        _ text: String, path: String, dotenv: DotenvParser.File? = nil, dotenvPath: String? = nil
    ) throws(ConfigParseError) -> JSONValue {
        let root: Node?
        let normalised = TextLines.normalise(text)
        do {
            try YAMLShapeBudget.check(normalised, nodeBudget: nodeBudget)
        } catch {
            switch error {
            case .tooLarge(let line):
                throw ConfigParseError(
                    path: path, line: line,
                    message: "document too large: more than \(nodeBudget) nodes after expanding aliases and merges")
            case .collectionKey(let line):
                throw ConfigParseError(
                    path: path, line: line, message: "a mapping key is a list or a mapping (compose keys are strings)")
            }
        }
        do {
            root = try Yams.compose(yaml: normalised, Resolver.basic)
        } catch let error as YamlError {
            throw yamlError(error, path: path)
        } catch {
            throw ConfigParseError(path: path, line: 0, message: "YAML could not be read")
        }
        let environment = dotenv ?? DotenvParser.File()
        var converter = Converter(
            path: path,
            interpolation: Interpolation(
                mode: .compose, lookup: { environment.value(of: $0) }, isSecret: { environment.isSecret($0) }))
        var document: [String: JSONValue] = [:]
        if let root {
            guard case .mapping = root else {
                throw ConfigParseError(path: path, line: root.mark?.line ?? 1, message: "top level must be a mapping")
            }
            document = try converter.convert(root, at: []).objectValue ?? [:]
        }
        var interpolation: [String: JSONValue] = ["missing": .array(converter.missing.sorted().map { .string($0) })]
        if dotenv != nil, let dotenvPath { interpolation["dotenv"] = .string(dotenvPath) }
        document["lines"] = .object(converter.lines)
        document["interpolation"] = .object(interpolation)
        return .object(document)
    }

    /// A Yams error as a parse error: the problem and its line, never the YAML text around it.
    static func yamlError(_ error: YamlError, path: String) -> ConfigParseError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let message = context.map { "\(problem) (\($0.text))" } ?? problem
            return ConfigParseError(path: path, line: mark.line, message: message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigParseError(
                path: path, line: context.mark.line,
                message: "duplicate key \(duplicates.joined(separator: ", ")) in mapping")
        case .reader(let problem, _, _, _):
            return ConfigParseError(path: path, line: 0, message: problem)
        default:
            return ConfigParseError(path: path, line: 0, message: "YAML could not be read")
        }
    }

    // MARK: - Converter

    private struct Converter {
        let path: String
        let interpolation: Interpolation
        var missing = Set<String>()
        var lines: [String: JSONValue] = [:]
        var budget = ComposeParser.nodeBudget

        init(path: String, interpolation: Interpolation) {
            self.path = path
            self.interpolation = interpolation
        }

        mutating func convert(_ node: Node, at keyPath: [String]) throws(ConfigParseError) -> JSONValue {
            try spend(1)
            guard keyPath.count <= ComposeParser.maxDepth else {
                throw ConfigParseError(
                    path: path, line: node.mark?.line ?? 0,
                    message: "nested more than \(ComposeParser.maxDepth) levels deep")
            }
            switch node {
            case .scalar(let scalar):
                return try convert(scalar)
            case .sequence(let sequence):
                var items: [JSONValue] = []
                let itemPath = keyPath + ["[]"]
                for item in sequence { items.append(try convert(item, at: itemPath)) }
                if Converter.isCommand(keyPath) {
                    let strings = items.compactMap(\.stringValue)
                    if strings.count == items.count { items = TextRedaction.arguments(strings).map { .string($0) } }
                }
                return .array(items)
            case .mapping(let mapping):
                var members: [String: JSONValue] = [:]
                for (key, value) in try flatten(mapping) {
                    let name = key.string ?? ""
                    let childPath = keyPath + [name]
                    if childPath.count <= 3, childPath.count == 1 || childPath[0] == "services",
                        let line = key.mark?.line
                    {
                        lines[childPath.joined(separator: ".")] = .int(Int64(line))
                    }
                    members[name] = try convertMember(name, value, at: childPath)
                }
                return .object(members)
            case .alias:
                return .null
            }
        }

        /// A mapping member, with the compose normalisations chosen by where it sits.
        mutating func convertMember(_ name: String, _ value: Node, at keyPath: [String]) throws(ConfigParseError)
            -> JSONValue
        {
            let inService = keyPath.count == 3 && keyPath[0] == "services"
            if inService && name == "environment"
                || keyPath.count == 4 && keyPath[0] == "services" && keyPath[2] == "build" && name == "args"
            {
                return try environment(value)
            }
            if SecretRedaction.isSecretKey(name), case .scalar(let scalar) = value {
                return try secret(scalar)
            }
            let converted = try convert(value, at: keyPath)
            guard inService, name == "ports" || name == "volumes", case .sequence(let sequence) = value,
                let items = converted.arrayValue
            else { return converted }
            var normalised: [JSONValue] = []
            for (item, node) in zip(items, sequence) {
                normalised.append(try shortSyntax(name, item, line: node.mark?.line ?? 0))
            }
            return .array(normalised)
        }

        mutating func shortSyntax(_ name: String, _ item: JSONValue, line: Int) throws(ConfigParseError) -> JSONValue {
            switch (name, item) {
            case ("ports", .string(let text)):
                do { return try ComposeShortSyntax.port(text) } catch {
                    throw ConfigParseError(path: path, line: line, message: "ports: \(error.message)")
                }
            case ("ports", .int(let number)):
                return try shortSyntax(name, .string(String(number)), line: line)
            case ("ports", .object(let table)):
                return ComposeShortSyntax.port(long: table)
            case ("volumes", .string(let text)):
                return ComposeShortSyntax.volume(text)
            case ("volumes", .object(let table)):
                return ComposeShortSyntax.volume(long: table)
            default:
                return item
            }
        }

        /// `environment` or `build.args`, in map or list form, as a map of strings.
        mutating func environment(_ node: Node) throws(ConfigParseError) -> JSONValue {
            var result: [String: JSONValue] = [:]
            switch node {
            case .mapping(let mapping):
                for (key, value) in try flatten(mapping) {
                    let name = key.string ?? ""
                    guard case .scalar(let scalar) = value else {
                        result[name] = try convert(value, at: ["environment", name])
                        continue
                    }
                    if scalar.style == .plain, ComposeParser.isNull(scalar.string) {
                        result[name] = .null
                        continue
                    }
                    let expanded = try expand(scalar)
                    result[name] = Converter.environmentValue(name, expanded)
                }
            case .sequence(let sequence):
                for item in sequence {
                    guard case .scalar(let scalar) = item else { continue }
                    var expanded = try expand(scalar)
                    guard let equals = expanded.value.firstIndex(of: "=") else {
                        result[expanded.value] = .null
                        continue
                    }
                    let name = String(expanded.value[..<equals])
                    expanded.value = String(expanded.value[expanded.value.index(after: equals)...])
                    if let redactedEquals = expanded.redacted.firstIndex(of: "=") {
                        expanded.redacted = String(expanded.redacted[expanded.redacted.index(after: redactedEquals)...])
                    }
                    result[name] = Converter.environmentValue(name, expanded)
                }
            default:
                return try convert(node, at: ["environment"])
            }
            return .object(result)
        }

        static func environmentValue(_ name: String, _ expanded: Interpolation.Expanded) -> JSONValue {
            if SecretRedaction.isSecretKey(name) { return Converter.describe(expanded) }
            return .string(TextRedaction.text(expanded.redacted))
        }

        /// A scalar under a secret-looking key.
        mutating func secret(_ scalar: Node.Scalar) throws(ConfigParseError) -> JSONValue {
            if scalar.style == .plain, ComposeParser.isNull(scalar.string) { return .null }
            return Converter.describe(try expand(scalar))
        }

        static func describe(_ expanded: Interpolation.Expanded) -> JSONValue {
            var table = SecretRedaction.describe(expanded.value).objectValue ?? [:]
            table["source"] = .string(expanded.substituted ? "interpolated" : "inline")
            return .object(table)
        }

        mutating func convert(_ scalar: Node.Scalar) throws(ConfigParseError) -> JSONValue {
            if scalar.string.contains("$") {
                let expanded = try expand(scalar)
                if expanded.substituted || expanded.value != scalar.string {
                    return .string(TextRedaction.text(expanded.redacted))
                }
            }
            if scalar.style == .plain { return ComposeParser.typed(scalar.string) }
            return .string(TextRedaction.text(scalar.string))
        }

        mutating func expand(_ scalar: Node.Scalar) throws(ConfigParseError) -> Interpolation.Expanded {
            do {
                let expanded = try interpolation.expand(scalar.string)
                missing.formUnion(expanded.missing)
                return expanded
            } catch {
                throw ConfigParseError(path: path, line: scalar.mark?.line ?? 0, message: error.message)
            }
        }

        /// Charges `count` nodes to the document's budget: conversion and merge resolution both
        /// spend it, so neither aliases nor merges of merges can multiply work without bound.
        mutating func spend(_ count: Int) throws(ConfigParseError) {
            budget -= count
            guard budget >= 0 else {
                throw ConfigParseError(
                    path: path, line: 0,
                    message:
                        "document too large: more than \(ComposeParser.nodeBudget) nodes after expanding aliases and merges")
            }
        }

        /// The pairs of a mapping with `<<` merge keys resolved; explicit keys win over merged ones.
        mutating func flatten(_ mapping: Node.Mapping, depth: Int = 0) throws(ConfigParseError) -> [(Node, Node)] {
            guard depth <= ComposeParser.maxDepth else {
                throw ConfigParseError(
                    path: path, line: 0, message: "<< merges nested more than \(ComposeParser.maxDepth) levels deep")
            }
            var explicit: [(Node, Node)] = []
            var merged: [(Node, Node)] = []
            var mergedNames = Set<String>()
            for (key, value) in mapping {
                guard case .scalar(let scalar) = key, scalar.string == "<<", scalar.style == .plain else {
                    explicit.append((key, value))
                    continue
                }
                let sources: [Node]
                switch value {
                case .mapping: sources = [value]
                case .sequence(let sequence): sources = Array(sequence)
                default:
                    throw ConfigParseError(path: path, line: key.mark?.line ?? 0, message: "<< must merge a mapping")
                }
                for source in sources {
                    guard case .mapping(let inner) = source else {
                        throw ConfigParseError(
                            path: path, line: key.mark?.line ?? 0, message: "<< must merge a mapping")
                    }
                    for pair in try flatten(inner, depth: depth + 1) {
                        try spend(1)
                        if mergedNames.insert(pair.0.string ?? "").inserted { merged.append(pair) }
                    }
                }
            }
            let explicitNames = Set(explicit.compactMap { $0.0.string })
            return explicit + merged.filter { !explicitNames.contains($0.0.string ?? "") }
        }

        /// Whether a key path holds a command line: `command`, `entrypoint`, `healthcheck.test`.
        static func isCommand(_ keyPath: [String]) -> Bool {
            guard let last = keyPath.last else { return false }
            return last == "command" || last == "entrypoint"
                || (last == "test" && keyPath.dropLast().last == "healthcheck")
        }
    }

    // MARK: - Scalars

    static func isNull(_ text: String) -> Bool {
        ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// A plain scalar typed by the YAML 1.2 core schema.
    static func typed(_ text: String) -> JSONValue {
        if isNull(text) { return .null }
        switch text {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let int = ScalarTyping.integer(text) { return .int(int) }
        if text.hasPrefix("0x"), let int = Int64(text.dropFirst(2), radix: 16) { return .int(int) }
        if text.hasPrefix("0o"), let int = Int64(text.dropFirst(2), radix: 8) { return .int(int) }
        if isFloat(text), let double = Double(text), double.isFinite { return .double(double) }
        return .string(TextRedaction.text(text))
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isFloat(_ text: String) -> Bool {
        var chars = Substring(text)
        if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
        let mantissaEnd = chars.firstIndex { $0 == "e" || $0 == "E" } ?? chars.endIndex
        let mantissa = chars[..<mantissaEnd]
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            !(parts[0].isEmpty && (parts.count == 1 || parts[1].isEmpty))
        else { return false }
        guard mantissaEnd < chars.endIndex else { return true }
        var exponent = chars[chars.index(after: mantissaEnd)...]
        if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
        return !exponent.isEmpty && exponent.allSatisfy(\.isASCIIDigit)
    }
}
