import AssayConnectors
import AssayCore
import AssayLua
import Foundation

/// The one door to a target during a run: calls are serialised (one connection per target),
/// memoized (identical calls cost one round trip, however many checks make them), recorded for
/// the transcript, and a target that could not be reached or stopped answering is not asked again.
final class TargetSession: @unchecked Sendable {  // all mutable state is guarded by `condition`
    let info: TargetInfo
    private let connector: any Connector
    private let callTimeout: Duration
    /// Guards the state below; `busy` while a call is on the connection (one at a time), and
    /// waiting for it is bounded by the caller's deadline.
    private let condition = NSCondition()
    private var busy = false
    private var memo: [String: Transcript.Entry] = [:]
    private var stickyFailure: ConnectorError?
    private(set) var roundTrips = 0

    init(info: TargetInfo, connector: any Connector, callTimeout: Duration) {
        self.info = info
        self.connector = connector
        self.callTimeout = callTimeout
    }

    /// One call, answered by `deadline` (the calling check's) at the latest: the connector gets
    /// the earlier of that and the call timeout, and waiting for the target's other calls stops
    /// at the deadline too.
    func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) -> Result<JSONValue, ConnectorError> {
        let key = Transcript.key(operation: operation, arguments: arguments)
        condition.lock()
        defer { condition.unlock() }
        while busy {
            if let known = memo[key] { return known.outcome }
            let seconds = Double(deadline.remainingMilliseconds) / 1000
            if seconds <= 0 || !condition.wait(until: Date(timeIntervalSinceNow: seconds)) {
                if busy {
                    return .failure(ConnectorError(.timeout, "the check's time ran out while it waited for the target's other calls"))
                }
            }
        }
        if let known = memo[key] { return known.outcome }
        // Every later call gets the same failure, whichever check happened to ask first: the
        // findings of an unavailable target read the same from run to run.
        if let stickyFailure { return .failure(stickyFailure) }
        busy = true
        condition.unlock()
        let ownTimeout = Deadline.after(callTimeout)
        let limitedByCheck = deadline < ownTimeout
        let callDeadline = deadline.earliest(ownTimeout)
        let started = Deadline.now()
        let outcome: Result<JSONValue, ConnectorError>
        do throws(ConnectorError) {
            outcome = .success(try connector.call(operation, arguments, deadline: callDeadline))
        } catch {
            outcome = .failure(error)
        }
        let ms = Int((Deadline.now().nanoseconds - started.nanoseconds) / 1_000_000)
        condition.lock()
        busy = false
        condition.broadcast()
        roundTrips += 1
        // A timeout that only the calling check's own deadline caused says nothing about the
        // target: it is neither remembered nor sticky, so the next check asks again. (Minimal
        // here: TargetSession is being reworked.)
        if case .failure(let error) = outcome, error.kind == .timeout, limitedByCheck { return outcome }
        if case .failure(let error) = outcome, error.isSticky { stickyFailure = error }
        memo[key] = Transcript.Entry(target: info.name, operation: operation, arguments: arguments, outcome: outcome, milliseconds: ms)
        return outcome
    }

    /// Every distinct call made so far.
    var entries: [Transcript.Entry] {
        condition.lock()
        defer { condition.unlock() }
        return Array(memo.values)
    }

    func close() {
        condition.lock()
        defer { condition.unlock() }
        connector.close()
    }
}
