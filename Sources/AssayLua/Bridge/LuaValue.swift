import AssayCore

/// A Lua value that crossed the sandbox boundary.
///
/// Tables arrive as key/value pairs in no particular order (Lua's `next` order changes from run
/// to run); conversions to ``JSONValue`` sort, so reports stay byte-for-byte reproducible.
public enum LuaValue: Sendable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case table([(key: LuaValue, value: LuaValue)])
    /// A sequence built on the Swift side (becomes a table 1…n in Lua).
    case array([LuaValue])
    /// A function held in the registry of the state it came from.
    case function(Int32)

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .table, .array: "table"
        case .function: "function"
        }
    }

    /// The value under a string key of a table.
    public subscript(key: String) -> LuaValue? {
        guard case .table(let pairs) = self else { return nil }
        return pairs.first { if case .string(key) = $0.key { true } else { false } }?.value
    }

    /// The string keys of a table.
    public var stringKeys: [String] {
        guard case .table(let pairs) = self else { return [] }
        return pairs.compactMap(\.key.stringValue)
    }
}

// MARK: - JSON

extension LuaValue {
    /// Converts JSON into Lua: objects become tables with string keys, arrays sequences,
    /// `null` becomes nil (so a NULL column reads as nil).
    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .nil
        case .bool(let b): self = .boolean(b)
        case .int(let i): self = .integer(i)
        case .double(let d): self = .number(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(LuaValue.init))
        case .object(let members):
            self = .table(JSONWriter.sortedKeys(members).map { (key: .string($0), value: LuaValue(members[$0]!)) })
        }
    }

    /// Converts Lua into JSON: a table whose keys are exactly 1…n becomes an array, any other
    /// table an object (non-string keys written as strings); an empty table is an empty object.
    public var json: JSONValue {
        switch self {
        case .nil: return .null
        case .boolean(let b): return .bool(b)
        case .integer(let i): return .int(i)
        case .number(let d): return d.isFinite ? .double(d) : .string(String(d))
        case .string(let s): return .string(s)
        case .function: return .string("<function>")
        case .array(let items): return .array(items.map(\.json))
        case .table(let pairs):
            if pairs.isEmpty { return .object([:]) }
            var indexed: [Int64: LuaValue] = [:]
            for pair in pairs {
                guard case .integer(let i) = pair.key else { indexed.removeAll(); break }
                indexed[i] = pair.value
            }
            if indexed.count == pairs.count, (1...Int64(pairs.count)).allSatisfy({ indexed[$0] != nil }) {
                return .array((1...Int64(pairs.count)).map { indexed[$0]!.json })
            }
            var members: [String: JSONValue] = [:]
            for pair in pairs { members[pair.key.keyString] = pair.value.json }
            return .object(members)
        }
    }

    var keyString: String {
        switch self {
        case .string(let s): s
        case .integer(let i): String(i)
        case .number(let d): String(d)
        case .boolean(let b): b ? "true" : "false"
        default: typeName
        }
    }
}

extension LuaValue {
    /// A packed list holds at most this many values (PostgreSQL's limit on a statement's parameters).
    static let maxPackedValues = 65_535

    /// A connector-call argument that cannot be passed on.
    struct ArgumentError: Error {
        var message: String
    }

    /// A connector-call argument as JSON. Lists with holes cannot be Lua sequences, so the prelude
    /// passes them as `table.pack(...)` results (`{n = 3, [1] = …, [3] = …}`): those become arrays
    /// of `n` elements with `null` in the holes, as SQL parameters need. Anything else as ``json``.
    /// `n` comes from the check, so it is checked before anything is sized from it.
    func argumentJSON() throws(ArgumentError) -> JSONValue {
        guard case .table(let pairs) = self, let count = pairs.first(where: { $0.key.stringValue == "n" })?.value else { return json }
        guard case .integer(let n) = count, n >= 0 else { return json }
        guard n <= Self.maxPackedValues else {
            throw ArgumentError(message: "a packed list of \(n) values (at most \(Self.maxPackedValues))")
        }
        for pair in pairs where pair.key.stringValue != "n" {
            guard case .integer(let index) = pair.key, index >= 1, index <= n else { return json }
        }
        var items = Array(repeating: JSONValue.null, count: Int(n))
        for pair in pairs {
            if case .integer(let index) = pair.key { items[Int(index - 1)] = pair.value.json }
        }
        return .array(items)
    }
}
