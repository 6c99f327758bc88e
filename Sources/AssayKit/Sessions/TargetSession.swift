import AssayConnectors
import AssayCore
import AssayLua
import Foundation

/// The one door to a target during a run: calls are serialised (one connection per target),
/// memoized (identical calls cost one round trip, however many checks make them), recorded for
/// the transcript, and a target that could not be reached or stopped answering is not asked again.
final class TargetSession: @unchecked Sendable {  // all mutable state is guarded by `lock`
    let info: TargetInfo
    private let connector: any Connector
    private let callTimeout: Duration
    private let lock = NSLock()
    private var memo: [String: Transcript.Entry] = [:]
    private var stickyFailure: ConnectorError?
    private(set) var roundTrips = 0

    init(info: TargetInfo, connector: any Connector, callTimeout: Duration) {
        self.info = info
        self.connector = connector
        self.callTimeout = callTimeout
    }

    func call(_ operation: String, _ arguments: [JSONValue]) -> Result<JSONValue, ConnectorError> {
        lock.lock()
        defer { lock.unlock() }
        let key = Transcript.key(operation: operation, arguments: arguments)
        if let known = memo[key] { return known.outcome }
        // Every later call gets the same failure, whichever check happened to ask first: the
        // findings of an unavailable target read the same from run to run.
        if let stickyFailure { return .failure(stickyFailure) }
        let started = Deadline.now()
        let outcome: Result<JSONValue, ConnectorError>
        do throws(ConnectorError) {
            outcome = .success(try connector.call(operation, arguments, deadline: .after(callTimeout)))
        } catch {
            if error.isSticky { stickyFailure = error }
            outcome = .failure(error)
        }
        roundTrips += 1
        let ms = Int((Deadline.now().nanoseconds - started.nanoseconds) / 1_000_000)
        memo[key] = Transcript.Entry(target: info.name, operation: operation, arguments: arguments, outcome: outcome, milliseconds: ms)
        return outcome
    }

    /// Every distinct call made so far.
    var entries: [Transcript.Entry] {
        lock.lock()
        defer { lock.unlock() }
        return Array(memo.values)
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        connector.close()
    }
}
