import AssayConnectors
import AssayCore

/// The one door to a target within a job: calls are memoized (identical questions cost one round
/// trip, however many checks ask them), counted, recorded, and bounded in time and memory.
///
/// A session belongs to one job and is used by one thread at a time, so it holds no lock: two
/// jobs never share a session, and the per-server connection budget is kept by the supervisor.
///
/// Which failures stick (every later call of the job gets the same failure at once, so that an
/// unavailable target costs one wait, not one per check):
/// - `unreachable`: the server refused or dropped the connection, or cannot be resolved;
/// - a `timeout` before the server ever answered in this session: it accepts but never speaks;
/// - a second `timeout` in a row: it answered before, and stopped.
///
/// Anything else fails only the call that caused it — a refused statement, a server error, a
/// reply over a cap, a single timeout — and the connector starts afresh on the next call.
final class TargetSession {
    let info: TargetInfo
    private let connector: any Connector
    private let callTimeout: Duration
    private let memoryLimit: Int
    private var memo: [String: Transcript.Entry] = [:]
    private var memoBytes = 0
    private var unavailable: ConnectorError?
    private var timeoutsInARow = 0
    /// Whether the server has answered anything in this session (an error reply counts).
    private var hasAnswered = false
    /// Round trips made (calls answered from the memo are not round trips).
    private(set) var roundTrips = 0
    /// Called with every distinct call once it is answered (the transcript, when recording).
    var recordEntry: ((Transcript.Entry) -> Void)?

    init(info: TargetInfo, connector: any Connector, callTimeout: Duration, memoryLimit: Int) {
        self.info = info
        self.connector = connector
        self.callTimeout = callTimeout
        self.memoryLimit = memoryLimit
    }

    /// Answers a call, from the memo when the same call was answered before. `deadline` is what is
    /// left of the calling check's time; the call gets at most that, and at most the call timeout.
    func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) -> Result<JSONValue, ConnectorError> {
        let key = Transcript.key(operation: operation, arguments: arguments)
        if let known = memo[key] { return known.outcome }
        if let unavailable { return .failure(unavailable) }
        guard memoBytes < memoryLimit else { return .failure(memoFull) }
        let started = Deadline.now()
        let ownTimeout = Deadline.after(callTimeout)
        let limitedByCheck = deadline < ownTimeout
        let outcome: Result<JSONValue, ConnectorError>
        do throws(ConnectorError) {
            outcome = .success(try connector.call(operation, arguments, deadline: deadline.earliest(ownTimeout)))
        } catch {
            outcome = .failure(error)
        }
        roundTrips += 1
        // A timeout that only the calling check's own deadline caused says nothing about the
        // target: it is neither remembered nor counted, so the next check asks again.
        if case .failure(let error) = outcome, error.kind == .timeout, limitedByCheck { return outcome }
        noteStickiness(outcome)
        let size = key.utf8.count + ((try? outcome.get().approximateBytes) ?? 256)
        guard memoBytes + size <= memoryLimit else { return .failure(memoFull) }
        memoBytes += size
        let ms = Int((Deadline.now().nanoseconds - started.nanoseconds) / 1_000_000)
        let entry = Transcript.Entry(target: info.name, operation: operation, arguments: arguments, outcome: outcome, milliseconds: ms)
        memo[key] = entry
        recordEntry?(entry)
        return outcome
    }

    private var memoFull: ConnectorError {
        ConnectorError(
            .refused,
            "the answers of this target would take more than \(memoryLimit >> 20) MiB (limits.session_memory_mb): "
                + "the checks asked too many distinct questions, or too large ones")
    }

    private func noteStickiness(_ outcome: Result<JSONValue, ConnectorError>) {
        switch outcome {
        case .success:
            timeoutsInARow = 0
            hasAnswered = true
        case .failure(let error) where error.kind == .unreachable:
            unavailable = error
        case .failure(let error) where error.kind == .timeout:
            timeoutsInARow += 1
            if !hasAnswered || timeoutsInARow >= 2 { unavailable = error }
        case .failure(let error):
            if error.kind == .denied { hasAnswered = true }
            timeoutsInARow = 0
        }
    }

    func close() { connector.close() }
}

extension JSONValue {
    /// Roughly the bytes this value holds in memory: what a session counts against its limit.
    var approximateBytes: Int {
        switch self {
        case .null, .bool: return 8
        case .int, .double: return 16
        case .string(let s): return 16 + s.utf8.count
        case .array(let items): return items.reduce(24) { $0 + $1.approximateBytes }
        case .object(let members): return members.reduce(48) { $0 + 16 + $1.key.utf8.count + $1.value.approximateBytes }
        }
    }
}
