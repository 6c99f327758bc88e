import AssayCore
import AssayLua

/// Holds the configured inputs (`inputs:` in assay.yaml, `--input`) to what the checks declare:
/// an input no check declares, an input of a check that does not exist or does not declare it,
/// or a value of the wrong type, is a configuration error that names the closest declared name.
/// A typo in an input name would otherwise be silently ignored, and the check would run with its
/// default.
enum InputValidation {
    /// - Parameters:
    ///   - checks: the checks loaded for the run.
    ///   - others: every other check there is (those of kinds the run does not audit), loaded only
    ///     when an input is not declared by `checks`: an input for another environment's checks is
    ///     not an error.
    static func validate(_ configuration: Configuration, checks: [Check], others: () -> [Check]) throws(ConfigurationError) {
        let loaded = Dictionary(checks.map { ($0.id, $0.declaredInputs) }, uniquingKeysWith: { first, _ in first })
        let names = Set(loaded.values.flatMap(\.keys))
        let complete = configuration.inputs.keys.allSatisfy(names.contains)
            && configuration.checkInputs.allSatisfy { id, values in values.keys.allSatisfy { loaded[id]?[$0] != nil } }
        if complete {
            try validate(configuration, declared: loaded)
        } else {
            let all = checks + others()
            try validate(configuration, declared: Dictionary(all.map { ($0.id, $0.declaredInputs) }, uniquingKeysWith: { first, _ in first }))
        }
    }

    private static func validate(_ configuration: Configuration, declared: [String: [String: JSONValue]]) throws(ConfigurationError) {
        for (name, value) in configuration.inputs.sorted(by: { $0.key < $1.key }) {
            let owners = declared.filter { $0.value[name] != nil }
            guard !owners.isEmpty else {
                let names = Set(declared.values.flatMap(\.keys))
                throw ConfigurationError("input '\(name)' is declared by no check\(suggestion(name, among: names))")
            }
            for (id, inputs) in owners.sorted(by: { $0.key < $1.key }) {
                try checkType(value, name: name, check: id, default: inputs[name]!)
            }
        }
        for (id, values) in configuration.checkInputs.sorted(by: { $0.key < $1.key }) {
            guard let inputs = declared[id] else {
                throw ConfigurationError("inputs are given for check \(id), which does not exist\(suggestion(id, among: Set(declared.keys)))")
            }
            for (name, value) in values.sorted(by: { $0.key < $1.key }) {
                guard let defaultValue = inputs[name] else {
                    let list = inputs.keys.sorted().joined(separator: ", ")
                    throw ConfigurationError(
                        "check \(id) has no input '\(name)'\(suggestion(name, among: Set(inputs.keys)))"
                            + (list.isEmpty ? " (it declares none)" : " (it declares: \(list))"))
                }
                try checkType(value, name: name, check: id, default: defaultValue)
            }
        }
    }

    /// The value must have the type of the declared default (a number for a number, …). A list
    /// may also be given as text (`--input ports=5432,6432`: the check splits it), and an empty
    /// table `{}` is a list as much as a table.
    private static func checkType(_ value: JSONValue, name: String, check: String, default defaultValue: JSONValue) throws(ConfigurationError) {
        let listLike = defaultValue.arrayValue != nil || defaultValue == .object([:])
        let compatible = kind(of: value) == kind(of: defaultValue) || defaultValue.isNull
            || (listLike && (value.stringValue != nil || value.arrayValue != nil))
        guard !compatible else { return }
        throw ConfigurationError(
            "input '\(name)' of check \(check) must be \(kind(of: defaultValue)) (its default is \(JSONWriter().string(defaultValue))), "
                + "not \(kind(of: value))")
    }

    private static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "a table"
        }
    }

    private static func suggestion(_ name: String, among names: Set<String>) -> String {
        guard let closest = names.min(by: { TargetFlags.distance($0, name) < TargetFlags.distance($1, name) }),
            TargetFlags.distance(closest, name) <= max(2, name.count / 3)
        else { return "" }
        return " (did you mean '\(closest)'?)"
    }
}
