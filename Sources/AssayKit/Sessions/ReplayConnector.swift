import AssayConnectors
import AssayCore

/// Answers calls from a recorded transcript: how a run is repeated with no server, and how a
/// check author iterates on a check offline.
final class ReplayConnector: Connector {
    let kind: TargetKind
    let address: String
    private let answers: [String: Result<JSONValue, ConnectorError>]
    /// The recorded failure that made the target unavailable, if one did: the live run asked
    /// nothing after it, so any call the transcript lacks gets it, as the live run's calls did.
    private let unavailable: ConnectorError?

    init(info: TargetInfo, entries: [Transcript.Entry]) {
        self.kind = info.kind
        self.address = info.address
        var answers: [String: Result<JSONValue, ConnectorError>] = [:]
        for entry in entries { answers[entry.key] = entry.outcome }
        self.answers = answers
        unavailable = entries.lazy.compactMap { entry -> ConnectorError? in
            guard case .failure(let error) = entry.outcome, error.isSticky else { return nil }
            return error
        }.first
    }

    func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) throws(ConnectorError) -> JSONValue {
        let key = Transcript.key(operation: operation, arguments: arguments)
        switch answers[key] {
        case .success(let value)?: return value
        case .failure(let error)?:
            throw error
        case nil:
            if let unavailable { throw unavailable }
            throw ConnectorError(.failed, "the transcript has no answer to \(operation) \(JSONWriter().string(.array(arguments))) — record it again")
        }
    }

    func close() {}
}
