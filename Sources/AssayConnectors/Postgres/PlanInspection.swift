import AssayCore

/// What PostgreSQL's plan of a statement (`EXPLAIN (VERBOSE, FORMAT JSON)`) says it would do:
/// its node types, and every function, operator and cast type in the expressions it prints.
///
/// Views, CTEs, subqueries and SQL functions are inlined or planned as their own nodes, so what
/// they call shows up here too. Three node types do not print all of their expressions — `Limit`
/// (its count and offset), `Values Scan` (the lists of a multi-row VALUES) and `WindowAgg` (frame
/// offsets): ``hidesExpressions`` says so, and the caller then looks harder.
struct PlanInspection {
    /// Node types of pure reads. Anything else — `ModifyTable` (a write, also in a CTE), `LockRows`
    /// (FOR UPDATE/SHARE), `Foreign Scan` (another server), `Custom Scan` (an extension's code), or
    /// a node type this list does not know — is refused.
    static let readNodeTypes: Set<String> = [
        "Result", "ProjectSet", "Append", "Merge Append", "Recursive Union", "BitmapAnd", "BitmapOr", "Nested Loop",
        "Merge Join", "Hash Join", "Seq Scan", "Sample Scan", "Gather", "Gather Merge", "Index Scan",
        "Index Only Scan", "Bitmap Index Scan", "Bitmap Heap Scan", "Tid Scan", "Tid Range Scan", "Subquery Scan",
        "Function Scan", "Table Function Scan", "Values Scan", "CTE Scan", "Named Tuplestore Scan", "WorkTable Scan",
        "Materialize", "Memoize", "Sort", "Incremental Sort", "Group", "Aggregate", "WindowAgg", "Unique", "SetOp",
        "Hash", "Limit",
    ]

    /// Node types whose expressions EXPLAIN does not print in full.
    static let partlyPrintedNodeTypes: Set<String> = ["Limit", "Values Scan", "WindowAgg"]

    /// Why some node types are refused, for the message.
    static let refusedNodeReasons: [String: String] = [
        "ModifyTable": "it writes (INSERT, UPDATE, DELETE or MERGE, perhaps inside a WITH)",
        "LockRows": "it locks rows (FOR UPDATE or FOR SHARE)",
        "Foreign Scan": "it reads a foreign table, which asks another server",
        "Custom Scan": "an extension's custom scan runs code Assay cannot inspect",
    ]

    private(set) var nodeTypes: Set<String> = []
    private(set) var calls: Set<DeparsedExpression.Name> = []
    private(set) var operators: Set<DeparsedExpression.Name> = []
    private(set) var types: Set<DeparsedExpression.Name> = []

    /// Reads the text of EXPLAIN's one `json` value.
    init(json text: String) throws(ConnectorError) {
        let plan: JSONValue
        do {
            plan = try JSONParser.parse(text)
        } catch {
            throw ConnectorError(.failed, "the server's plan is not readable JSON: \(error)")
        }
        guard case .array(let statements) = plan, !statements.isEmpty,
              statements.allSatisfy({ $0["Plan"]?.objectValue != nil })
        else {
            throw ConnectorError(.failed, "the server's plan does not have the shape of EXPLAIN (FORMAT JSON)")
        }
        visit(plan)
    }

    /// The first node type that is not a pure read, with why, if any.
    var refusedNode: (type: String, reason: String)? {
        for type in nodeTypes.sorted() where !Self.readNodeTypes.contains(type) {
            return (type, Self.refusedNodeReasons[type] ?? "Assay does not know this kind of plan node")
        }
        return nil
    }

    /// Whether some node does not print all of its expressions.
    var hidesExpressions: Bool { !nodeTypes.isDisjoint(with: Self.partlyPrintedNodeTypes) }

    private mutating func visit(_ value: JSONValue) {
        switch value {
        case .object(let members):
            for (key, member) in members {
                if key == "Node Type", let type = member.stringValue {
                    nodeTypes.insert(type)
                } else {
                    visit(member)
                }
            }
        case .array(let elements):
            elements.forEach { visit($0) }
        case .string(let text):
            // Names (aliases, relation names) never stand before `(`, so scanning every string is
            // safe, and no expression field can be missed.
            let expression = DeparsedExpression(text)
            calls.formUnion(expression.calls)
            operators.formUnion(expression.operators)
            types.formUnion(expression.types)
        default:
            break
        }
    }
}
