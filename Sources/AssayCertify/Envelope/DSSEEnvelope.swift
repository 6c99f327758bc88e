import AssayCore

/// A DSSE envelope (Dead Simple Signing Envelope, v1): a payload, its type and signatures over
/// the payload's PAE.
///
/// The file form is `certification.json`, written by ``JSONWriter`` (pretty, keys sorted):
///
/// ```json
/// {
///   "payload": "<base64 of the statement bytes>",
///   "payloadType": "application/vnd.in-toto+json",
///   "signatures": [
///     {
///       "keyid": "<hex SHA-256 of the SPKI DER public key>",
///       "sig": "<base64 of the 64-byte Ed25519 signature of PAE(payloadType, payload)>"
///     }
///   ]
/// }
/// ```
public struct DSSEEnvelope: Hashable, Sendable {
    /// The payload type of in-toto statements.
    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    /// One signature and the id of the key that made it.
    public struct Signature: Hashable, Sendable {
        public var keyID: String
        public var sig: [UInt8]

        public init(keyID: String, sig: [UInt8]) {
            self.keyID = keyID
            self.sig = sig
        }
    }

    public var payloadType: String
    /// The exact payload bytes (decoded from base64).
    public var payload: [UInt8]
    public var signatures: [Signature]

    public init(payloadType: String, payload: [UInt8], signatures: [Signature]) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    /// Pre-Authentication Encoding: `"DSSEv1" SP len(type) SP type SP len(body) SP body`, lengths
    /// in decimal bytes. This is what a DSSE signature signs.
    public static func pae(payloadType: String, payload: [UInt8]) -> [UInt8] {
        let type = Array(payloadType.utf8)
        return Array("DSSEv1 \(type.count) ".utf8) + type + Array(" \(payload.count) ".utf8) + payload
    }

    /// ``pae(payloadType:payload:)`` of this envelope.
    public var pae: [UInt8] { Self.pae(payloadType: payloadType, payload: payload) }

    /// A signed envelope around `payload`.
    package static func sign(payload: [UInt8], payloadType: String, with key: SigningKey) -> DSSEEnvelope {
        let sig = key.sign(pae(payloadType: payloadType, payload: payload))
        return DSSEEnvelope(
            payloadType: payloadType, payload: payload, signatures: [Signature(keyID: key.publicKey.keyID, sig: sig)])
    }

    /// The envelope as JSON.
    public var json: JSONValue {
        [
            "payload": .string(Base64.encode(payload)),
            "payloadType": .string(payloadType),
            "signatures": .array(
                signatures.map { ["keyid": .string($0.keyID), "sig": .string(Base64.encode($0.sig))] }),
        ]
    }

    /// The bytes of `certification.json`: ``json`` written pretty, ending with a newline.
    public var fileBytes: [UInt8] { JSONWriter(pretty: true).bytes(json) }

    /// Parses an envelope from JSON bytes.
    ///
    /// - Throws: ``CertificationError`` `.malformedEnvelope` when the bytes are not JSON, a member
    ///   is missing or has the wrong type, base64 is not canonical standard base64, or there is no
    ///   signature.
    public init(jsonBytes: [UInt8]) throws {
        func malformed(_ why: String) -> CertificationError {
            CertificationError(.malformedEnvelope, "not a DSSE envelope: \(why)")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(jsonBytes) } catch { throw malformed("\(error)") }
        guard case .object = value else { throw malformed("the document is not a JSON object") }
        guard let type = value["payloadType"]?.stringValue else { throw malformed("no string member \"payloadType\"") }
        guard let text = value["payload"]?.stringValue else { throw malformed("no string member \"payload\"") }
        guard let payload = Base64.decode(text) else { throw malformed("\"payload\" is not standard base64") }
        guard let list = value["signatures"]?.arrayValue, !list.isEmpty else {
            throw malformed("no non-empty array \"signatures\"")
        }
        var signatures: [Signature] = []
        for (index, item) in list.enumerated() {
            guard case .object = item, let sigText = item["sig"]?.stringValue else {
                throw malformed("signature \(index) has no string member \"sig\"")
            }
            let keyID = item["keyid"]?.stringValue ?? ""
            guard let sig = Base64.decode(sigText) else { throw malformed("signature \(index) is not standard base64") }
            signatures.append(Signature(keyID: keyID, sig: sig))
        }
        self.init(payloadType: type, payload: payload, signatures: signatures)
    }
}
