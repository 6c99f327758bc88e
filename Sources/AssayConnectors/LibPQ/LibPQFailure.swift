import AssayCore

/// What kind of failure a libpq message describes, for connections that failed or were lost.
///
/// Only a server that cannot be reached — refused, dropped, unknown host, or one that turns the
/// login away (bad password, no pg_hba.conf entry, too many clients) — is `.unreachable`: every
/// later check of the target would get the same answer. A server that answers with bytes libpq
/// cannot read (garbage, lying lengths, messages out of order) is `.failed`: reachable, but broken.
enum LibPQFailure {
    /// Phrases of libpq's own messages about a malformed answer (fe-protocol3.c, fe-connect.c).
    static let protocolMarkers = [
        "lost synchronization", "unexpected response", "expected authentication request", "invalid message",
        "insufficient data", "unexpected field count", "without prior row description", "do not agree with length",
        "extraneous data", "message type 0x", "unexpected message type", "unexpected asynchronous",
        "received invalid response", "protocol",
    ]

    /// Phrases of a malformed connection string, caught before anything is sent.
    static let malformedMarkers = [
        "invalid connection option", "invalid uri", "missing \"=\"", "unterminated quoted string",
        "invalid sslmode", "invalid integer value", "invalid value for parameter", "invalid port number",
        "extra key/value separator", "invalid percent-encoded token",
    ]

    /// A connection attempt that failed with libpq's `message` (already cut and scrubbed).
    static func connecting(_ message: String, address: String, beforeNetwork: Bool) -> ConnectorError {
        let lower = message.lowercased()
        let kind: ConnectorError.Kind
        if beforeNetwork, malformedMarkers.contains(where: lower.contains) {
            kind = .failed
        } else if protocolMarkers.contains(where: lower.contains) {
            kind = .failed
        } else {
            kind = .unreachable
        }
        return ConnectorError(kind, "could not connect to \(address): \(message)")
    }

    /// An open connection libpq gave up on while reading or sending.
    static func lost(_ message: String, address: String) -> ConnectorError {
        let lower = message.lowercased()
        if protocolMarkers.contains(where: lower.contains) {
            return ConnectorError(.failed, "unexpected answer from \(address): \(message)")
        }
        return ConnectorError(.unreachable, "lost the connection to \(address): \(message)")
    }
}
