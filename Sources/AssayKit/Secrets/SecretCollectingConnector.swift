import AssayConnectors
import AssayCore

/// A connector whose calls register, with the run's ``SecretRegistry``, every secret value that
/// its redaction finds (``SecretRegistry/current`` is the run's registry while a call runs), and
/// whose answers are then scrubbed by value of every strong secret known so far.
///
/// This is how values that only a connector sees — a `.env` secret, Redis `requirepass`, a Docker
/// `Env` value — become known to the scrubbing at the output boundary, and how the same value
/// under a harmless name (`NOTE=rotate <the token> soon`) never reaches a check either.
final class SecretCollectingConnector: Connector {
    private let inner: any Connector
    private let registry: SecretRegistry

    init(_ inner: any Connector, registry: SecretRegistry) {
        self.inner = inner
        self.registry = registry
    }

    var kind: TargetKind { inner.kind }
    var address: String { inner.address }

    func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) throws(ConnectorError) -> JSONValue {
        let outcome = SecretRegistry.$current.withValue(registry) {
            Result { () throws(ConnectorError) -> JSONValue in try inner.call(operation, arguments, deadline: deadline) }
        }
        switch outcome {
        case .success(let answer): return registry.isEmpty ? answer : Self.scrub(answer, registry)
        case .failure(let error): throw ConnectorError(error.kind, registry.scrub(error.message))
        }
    }

    func close() { inner.close() }

    /// Strings and keys replaced by value; numbers and structure untouched.
    static func scrub(_ value: JSONValue, _ registry: SecretRegistry) -> JSONValue {
        switch value {
        case .string(let text): return .string(registry.scrub(text))
        case .array(let items): return .array(items.map { scrub($0, registry) })
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members { out[registry.scrub(key)] = scrub(member, registry) }
            return .object(out)
        case .null, .bool, .int, .double: return value
        }
    }
}
