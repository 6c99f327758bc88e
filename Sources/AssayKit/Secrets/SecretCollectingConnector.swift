import AssayConnectors
import AssayCore

/// A connector whose calls register, with the run's ``SecretRegistry``, every secret value that
/// its redaction finds (``SecretRegistry/current`` is the run's registry while a call runs).
///
/// This is how values that only a connector sees — a `.env` secret, Redis `requirepass`, a Docker
/// `Env` value — become known to the scrubbing at the output boundary.
final class SecretCollectingConnector: Connector {
    private let inner: any Connector
    private let registry: SecretRegistry

    init(_ inner: any Connector, registry: SecretRegistry) {
        self.inner = inner
        self.registry = registry
    }

    var kind: TargetKind { inner.kind }

    func call(_ operation: String, _ arguments: [JSONValue], deadline: Deadline) throws(ConnectorError) -> JSONValue {
        let outcome = SecretRegistry.$current.withValue(registry) {
            Result { () throws(ConnectorError) -> JSONValue in try inner.call(operation, arguments, deadline: deadline) }
        }
        return try outcome.get()
    }

    func close() { inner.close() }
}
