import AssayConnectors
import AssayCore

/// Answers calls from a recorded transcript: how a run is repeated with no server, and how a
/// check author iterates on a check offline.
final class ReplayConnector: Connector {
    let kind: TargetKind
    private let answers: [String: Result<JSONValue, ConnectorFailure>]

    init(kind: TargetKind, entries: [Transcript.Entry]) {
        self.kind = kind
        var answers: [String: Result<JSONValue, ConnectorFailure>] = [:]
        for entry in entries { answers[entry.key] = entry.outcome }
        self.answers = answers
    }

    func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) throws(ConnectorError) -> JSONValue {
        let key = Transcript.key(operation: operation, arguments: arguments)
        switch answers[key] {
        case .success(let value)?: return value
        case .failure(let failure)?:
            // The session prefixes the target name again; keep the recorded message as it was.
            let message = failure.message.split(separator: ":", maxSplits: 1).dropFirst().first.map {
                String($0.drop(while: { $0 == " " }))
            } ?? failure.message
            throw ConnectorError(ConnectorError.Kind(rawValue: failure.kind) ?? .failed, message)
        case nil:
            throw ConnectorError(.failed, "the transcript has no answer to \(operation) \(JSONWriter().string(.array(arguments))) — record it again")
        }
    }

    func close() {}
}
