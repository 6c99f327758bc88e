import AssayCore
import Foundation

/// What the PostgreSQL connector learned once and may reuse for the whole process, by key: the
/// verdicts of ``StatementInspector`` (``verdicts``) and the catalogs of ``SideEffectCatalog``
/// (``PostgresSession/catalogs``) — so many targets on one server, and every later ask of the
/// same question, skip the work.
///
/// Bounded: at most ``capacity`` entries (a full cache starts over), none with a key longer than
/// ``longestKey`` bytes (those are worked out every time), none older than ``lifetime`` — what a
/// server's catalog says may change, and a process that embeds Assay may live long.
final class ProcessCache<Value: Sendable>: @unchecked Sendable {  // `entries` is guarded by `lock`
    static var capacity: Int { 4096 }
    static var longestKey: Int { 64 * 1024 }
    /// How long an entry is trusted: about as long as one run.
    static var lifetime: UInt64 { 600 * 1_000_000_000 }

    private let lock = NSLock()
    private var entries: [String: (value: Value, stored: UInt64)] = [:]

    func value(for key: String) -> Value? {
        let now = Deadline.monotonicNanoseconds()
        return lock.withLock {
            guard let entry = entries[key], now &- entry.stored < Self.lifetime else { return nil }
            return entry.value
        }
    }

    func store(_ value: Value, for key: String) {
        guard key.utf8.count <= Self.longestKey else { return }
        let now = Deadline.monotonicNanoseconds()
        lock.withLock {
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (value, now)
        }
    }

    func removeAll() {
        lock.withLock { entries.removeAll() }
    }
}

/// Verdicts per server (the connection string without its password: host, port, database,
/// user), statement text and parameter values.
///
/// The parameters are part of the key because PostgreSQL folds constants when it plans: with
/// `$1 = false`, `CASE WHEN $1 THEN f() END` has no call of `f` left in its plan.
enum VerdictCache {
    static let verdicts = ProcessCache<StatementVerdict>()

    static func key(address: String, sql: String, parameters: [String?]) -> String {
        var key = address + "\u{0}" + sql
        for parameter in parameters { key += parameter.map { "\u{0}v" + $0 } ?? "\u{0}n" }
        return key
    }
}
