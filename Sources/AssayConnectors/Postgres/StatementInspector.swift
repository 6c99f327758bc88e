import AssayCore

/// Decides whether a check's statement may run, by asking the server what it would do.
///
/// 1. **Before anything is sent**, two refusals that do not need the server: Unicode escapes
///    (`U&'…'`, `U&"…"`, which can spell any name), and a mention anywhere of a function that
///    assigns a transaction id (``SideEffectCatalog/denied``) — PostgreSQL may run such a stable
///    function while it merely plans a statement.
/// 2. **The server's reading and plan**, in one pipeline inside `BEGIN TRANSACTION READ ONLY` …
///    `ROLLBACK`: the statement parsed and described (parse analysis only: its result columns and
///    parameters), then `EXPLAIN (VERBOSE, FORMAT JSON)` of it with the call's parameters, then a
///    look at whether planning assigned a transaction id. EXPLAIN without ANALYZE plans and never
///    executes. A statement without result columns is no question (`SET`, `COPY`, a write without
///    RETURNING, …); one PostgreSQL cannot parse as one statement or explain (`EXPLAIN ANALYZE`,
///    `SELECT 1; SELECT 2`, …) is refused with the server's syntax error; a call whose parameters
///    do not match the statement's is refused before it is bound.
/// 3. **The verdict** (``verdict(plan:catalog:sql:)``): only pure-read plan nodes; no call of a
///    refused function or aggregate, no refused operator or cast; none at all on a server with a
///    hazard; and where the plan hides some expressions (LIMIT, multi-row VALUES, window frames),
///    no refused name anywhere in the statement's text.
///
/// One round trip per distinct statement; the verdict is cached (``VerdictCache``).
package enum StatementInspector {
    // MARK: - 1. Before anything is sent

    /// Why `sql` is refused without asking the server, if it is.
    package static func preflight(_ sql: String) -> String? {
        let lower = sql.lowercased()
        if lower.contains("u&'") || lower.contains("u&\"") {
            return "query refused: Unicode escapes (U&'…', U&\"…\") are not accepted: they can spell a name Assay refuses"
        }
        let words = RawText(sql).words
        for entry in SideEffectCatalog.denied where words.contains(entry.name) {
            return "query refused: it names \(entry.name), which \(entry.reason) — even while PostgreSQL only plans the statement"
        }
        return nil
    }

    // MARK: - 2. The server's plan

    /// The pipeline that asks: statements 3 (parse), 4 (describe), 5 (the plan) and 6 (whether an
    /// xid was assigned).
    static func statements(_ sql: String, parameters: [String?], session: PostgresSession, deadline: Deadline)
        -> [LibPQStatement]
    {
        let timeout = PostgresConnector.statementTimeout(until: deadline)
        return [
            .control("BEGIN TRANSACTION READ ONLY"),
            .control("SET LOCAL statement_timeout = \(timeout)"),
            .control("SET LOCAL lock_timeout = \(PostgresConnector.lockTimeout(statementTimeout: timeout))"),
            LibPQStatement(sql: sql, kind: .prepare, returnsRows: false),
            .describe,
            LibPQStatement(sql: explainPrefix + sql, parameters: parameters),
            LibPQStatement(sql: "SELECT \(session.xidAssignedSQL) AS assigned"),
            .control("ROLLBACK"),
        ]
    }

    static let explainPrefix = "EXPLAIN (VERBOSE, FORMAT JSON) "

    /// Runs the inspection on `connection` and returns the verdict. Server errors other than the
    /// ones that mean "not a read-only question" are thrown as the statement itself would give them.
    static func inspect(_ sql: String, parameters: [String?], connection: LibPQConnection, session: PostgresSession,
                        limits: ReplyLimits, deadline: Deadline) throws(ConnectorError) -> StatementVerdict
    {
        let outcomes = try connection.pipeline(
            statements(sql, parameters: parameters, session: session, deadline: deadline),
            limits: limits, scrub: { $0 }, deadline: deadline)
        try PostgresConnector.rollBackIfOpen(connection, limits: limits, deadline: deadline)
        for outcome in outcomes[3...5] {
            guard let failure = outcome.error else {
                if case .described(let columns, let expected) = outcome {
                    if columns == 0 {
                        return .refused("query refused: it returns no columns, so it is no question (only SELECT, "
                            + "WITH, VALUES, TABLE and SHOW name are)")
                    }
                    if expected != parameters.count {
                        return .refused("query refused: the statement takes \(expected) parameter"
                            + (expected == 1 ? "" : "s") + " and the call gave \(parameters.count)")
                    }
                }
                continue
            }
            if failure.sqlState == "42601" {
                return .refused("query refused: PostgreSQL cannot read it as one read-only question (SELECT, WITH, "
                    + "VALUES, TABLE, or SHOW name); it said: SQLSTATE 42601: \(failure.message)")
            }
            throw PostgresConnector.serverError(failure, address: connection.address)
        }
        if let failure = outcomes.lazy.compactMap(\.error).first {
            throw PostgresConnector.serverError(failure, address: connection.address)
        }
        guard let text = outcomes[5].rows?.first?["QUERY PLAN"]?.stringValue,
              let assigned = outcomes[6].rows?.first?["assigned"]?.boolValue
        else {
            throw connection.protocolFailure("EXPLAIN gave no plan")
        }
        if assigned {
            return .refused("query refused: planning it assigned a transaction id, so it calls a function with side "
                + "effects (the id is spent; nothing else ran)")
        }
        return verdict(plan: try PlanInspection(json: text), catalog: session.catalog, sql: sql)
    }

    // MARK: - 3. The verdict

    static func verdict(plan: PlanInspection, catalog: SideEffectCatalog, sql: String) -> StatementVerdict {
        if let node = plan.refusedNode {
            return .refused("query refused: its plan has a \(node.type) node: \(node.reason)")
        }
        if !catalog.hazards.isEmpty {
            return .refused("query refused: this database can call a function with side effects where a query does not "
                + "name it (\(catalog.hazards.joined(separator: "; "))), so Assay asks it nothing")
        }
        if let call = plan.calls.filter({ catalog.functions.contains($0.key) }).min(by: { $0.key < $1.key }) {
            return .refused("query refused: it calls \(call.key)(), which \(SideEffectCatalog.reason(forFunction: call.name))")
        }
        if let op = plan.operators.filter({ catalog.operators.contains($0.key) }).min(by: { $0.key < $1.key }) {
            return .refused("query refused: its operator \(op.key) is implemented by a function with side effects")
        }
        if let type = plan.types.filter({ catalog.types.contains($0.key) }).min(by: { $0.key < $1.key }) {
            return .refused("query refused: its cast to \(type.key) goes through a function with side effects")
        }
        if plan.hidesExpressions {
            let text = RawText(sql)
            let named = text.words.intersection(catalog.names).union(text.operators.intersection(catalog.names))
            if let name = named.min() {
                return .refused("query refused: it names \(name), which \(SideEffectCatalog.reason(forFunction: name)); "
                    + "PostgreSQL does not show every expression of a LIMIT, a multi-row VALUES or a window frame, so "
                    + "Assay refuses such a name anywhere in the statement")
            }
        }
        return .allowed
    }
}

/// Whether a statement may run, and if not, why.
enum StatementVerdict: Hashable, Sendable {
    case allowed
    case refused(String)
}

/// The words and operator-character runs of a statement's raw text, quoting ignored: a
/// conservative superset of the names it can refer to (a word inside a string or a comment counts).
struct RawText {
    /// Identifier-character runs, lower-cased (and as written, for quoted mixed-case names).
    private(set) var words: Set<String> = []
    private(set) var operators: Set<String> = []

    init(_ sql: String) {
        var word = String.UnicodeScalarView()
        var op = String.UnicodeScalarView()
        func flush() {
            if !word.isEmpty {
                let text = String(word)
                words.insert(text)
                words.insert(text.lowercased())
                word = String.UnicodeScalarView()
            }
            if !op.isEmpty {
                operators.insert(String(op))
                op = String.UnicodeScalarView()
            }
        }
        for c in sql.unicodeScalars {
            if DeparsedExpression.isIdentifierPart(c) {
                if !op.isEmpty { flush() }
                word.append(c)
            } else if DeparsedExpression.operatorCharacters.contains(c) {
                if !word.isEmpty { flush() }
                op.append(c)
            } else {
                flush()
            }
        }
        flush()
    }
}
