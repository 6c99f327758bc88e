import Foundation

/// Verdicts of ``StatementInspector``, per server (the connection string without its password:
/// host, port, database, user), statement text and parameter values, for the whole process — so
/// many targets on one server, and every later run of the same question, skip the inspection.
///
/// The parameters are part of the key because PostgreSQL folds constants when it plans: with
/// `$1 = false`, `CASE WHEN $1 THEN f() END` has no call of `f` left in its plan.
final class VerdictCache: @unchecked Sendable {  // `entries` is guarded by `lock`
    static let shared = VerdictCache()

    /// At most this many verdicts are kept; a full cache starts over.
    static let capacity = 4096
    /// Longer statements are inspected every time rather than kept.
    static let longestKey = 64 * 1024

    private let lock = NSLock()
    private var entries: [String: StatementVerdict] = [:]

    static func key(address: String, sql: String, parameters: [String?]) -> String {
        var key = address + "\u{0}" + sql
        for parameter in parameters { key += parameter.map { "\u{0}v" + $0 } ?? "\u{0}n" }
        return key
    }

    func verdict(for key: String) -> StatementVerdict? {
        lock.withLock { entries[key] }
    }

    func store(_ verdict: StatementVerdict, for key: String) {
        guard key.utf8.count <= Self.longestKey else { return }
        lock.withLock {
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = verdict
        }
    }

    func removeAll() {
        lock.withLock { entries.removeAll() }
    }
}
