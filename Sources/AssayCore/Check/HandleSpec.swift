/// The Lua methods of one target kind's handle (`ctx.target`, and each element of
/// `ctx:targets(kind)`), declared as data by the kind's descriptor.
///
/// The sandbox builds each kind's handle from this declaration — the handle has these methods and
/// no others, checks their arguments, and says "files targets have no method 'config' (they have:
/// configs, file, list)" for anything else — and the check author's kit derives the lint standard
/// and the editor definitions from the same declaration.
public struct HandleSpec: Hashable, Sendable {
    public var methods: [HandleMethod]

    public init(_ methods: [HandleMethod]) { self.methods = methods }

    public func method(named name: String) -> HandleMethod? { methods.first { $0.name == name } }
}

/// One method of a handle: which connector operation it asks, with which arguments, and how the
/// answer is shaped for the check.
public struct HandleMethod: Hashable, Sendable {
    /// The method's name in Lua (`query`, `pools`).
    public var name: String
    /// The connector operation it calls (`query`, `show`).
    public var operation: String
    /// Arguments put before the caller's (`pools()` is `show("POOLS")`).
    public var fixedArguments: [JSONValue]
    /// What the caller passes.
    public var parameters: [HandleParameter]
    /// How the connector's answer reaches the check.
    public var result: HandleResult
    /// One sentence for documentation and editors.
    public var summary: String
    /// The Lua type of what it returns, for editors (`table[]`, `table<string, string>`, `string?`).
    public var returns: String

    public init(
        _ name: String, operation: String? = nil, fixed: [JSONValue] = [], parameters: [HandleParameter] = [],
        result: HandleResult = .answer, returns: String = "table", summary: String
    ) {
        self.name = name
        self.operation = operation ?? name
        self.fixedArguments = fixed
        self.parameters = parameters
        self.result = result
        self.summary = summary
        self.returns = returns
    }
}

/// One parameter of a handle method.
public struct HandleParameter: Hashable, Sendable {
    /// The Lua types a value may have.
    public enum ValueType: String, Hashable, Sendable {
        case string, integer, number, boolean, table
        /// A string, number, boolean or nil (a SQL parameter).
        case scalar
    }

    public var name: String
    public var type: ValueType
    public var isOptional: Bool
    /// Takes every remaining argument (`query(sql, ...)`); must be last.
    public var isVariadic: Bool

    public init(_ name: String, _ type: ValueType, optional: Bool = false, variadic: Bool = false) {
        self.name = name
        self.type = type
        self.isOptional = optional || variadic
        self.isVariadic = variadic
    }
}

/// How a method's answer is shaped before the check sees it.
public enum HandleResult: Hashable, Sendable {
    /// The answer as the connector gave it.
    case answer
    /// A list of rows turned into a map: `row[key] = row[value]` (`config()` from `SHOW CONFIG`).
    case rowsAsMap(key: String, value: String)
    /// One field of the member named by the first argument: `answer[arg1][field]`
    /// (`setting(name)` from `settings()`), nil when absent. The argument is not sent: the
    /// operation is asked without it, so every such method shares one memoized answer.
    case memberField(String)
}
