/// Why a certification could not be issued, read or verified.
///
/// Each failure of ``Verifier/verify(contents:format:key:now:allowExpired:siblings:)`` has its own
/// ``Code``; the description says precisely what did not match.
public struct CertificationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for callers that react to it.
    public enum Code: String, Sendable {
        /// The inputs of ``Certifier/certify(_:key:)`` are inconsistent (dates, report bytes, Markdown).
        case invalidInput
        /// The file is not a DSSE envelope (or a Markdown certification holding one).
        case malformedEnvelope
        /// The envelope's `payloadType` is not `application/vnd.in-toto+json`.
        case wrongPayloadType
        /// No signature of the envelope names the given key.
        case keyIDMismatch
        /// The signature does not verify with the given key.
        case signatureInvalid
        /// The payload is not an in-toto Statement v1.
        case notAStatement
        /// The statement's `predicateType` is not Assay's certification predicate.
        case wrongPredicateType
        /// A file's SHA-256 differs from its subject's digest (the Markdown body or a sibling).
        case subjectMismatch
        /// A file was given that the statement names no subject for.
        case unknownSubject
        /// `valid_until` is in the past.
        case expired
    }

    public let code: Code
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
