import AssayConnectors
import AssayCore

/// Answers calls from a recorded transcript: how a run is repeated with no server, and how a
/// check author iterates on a check offline.
final class ReplayConnector: Connector {
    let kind: TargetKind
    private let answers: [String: Result<JSONValue, ConnectorFailure>]
    /// The recorded failure that made the target unavailable, if one did: the live run asked
    /// nothing after it, so any call the transcript lacks gets it, as the live run's calls did.
    private let unavailable: ConnectorFailure?

    init(kind: TargetKind, entries: [Transcript.Entry]) {
        self.kind = kind
        var answers: [String: Result<JSONValue, ConnectorFailure>] = [:]
        for entry in entries { answers[entry.key] = entry.outcome }
        self.answers = answers
        unavailable = entries.lazy.compactMap { entry -> ConnectorFailure? in
            guard case .failure(let failure) = entry.outcome, ["unreachable", "timeout"].contains(failure.kind) else { return nil }
            return failure
        }.first
    }

    func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) throws(ConnectorError) -> JSONValue {
        let key = Transcript.key(operation: operation, arguments: arguments)
        switch answers[key] {
        case .success(let value)?: return value
        case .failure(let failure)?:
            throw ConnectorError(failure)
        case nil:
            if let unavailable { throw ConnectorError(unavailable) }
            throw ConnectorError(.failed, "the transcript has no answer to \(operation) \(JSONWriter().string(.array(arguments))) — record it again")
        }
    }

    func close() {}
}

extension ConnectorError {
    /// The error a recorded failure stands for.
    init(_ failure: ConnectorFailure) {
        self.init(ConnectorError.Kind(rawValue: failure.kind) ?? .failed, failure.message)
    }
}
