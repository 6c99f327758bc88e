import Crypto
import _CryptoExtras

/// An Ed25519 private key that signs certifications.
///
/// Its file form is PKCS#8 (`-----BEGIN PRIVATE KEY-----`), the form `openssl genpkey -algorithm
/// ed25519` writes and `openssl pkey` reads. See ``KeyFiles`` to store and load it safely.
///
/// ```swift
/// let key = SigningKey.generate()
/// print(key.publicKey.keyID)   // 64 hex digits
/// ```
public struct SigningKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    /// A new random key.
    public static func generate() -> SigningKey { SigningKey(key: Curve25519.Signing.PrivateKey()) }

    /// Reads a PKCS#8 `PRIVATE KEY` PEM document holding an Ed25519 key.
    public init(pkcs8PEM: String) throws {
        guard let der = PEM.decode(pkcs8PEM, label: "PRIVATE KEY"),
            let key = try? Curve25519.Signing.PrivateKey(derRepresentation: der)
        else {
            throw KeyError(.invalidPEM, "not an Ed25519 private key in PKCS#8 PEM form (-----BEGIN PRIVATE KEY-----)")
        }
        self.key = key
    }

    /// The PKCS#8 `PRIVATE KEY` PEM document, ending with a newline.
    public var pkcs8PEM: String { PEM.encode(label: "PRIVATE KEY", der: Array(key.derRepresentation)) }

    /// The public half, which verifies this key's signatures.
    public var publicKey: VerifyingKey { VerifyingKey(key: key.publicKey) }

    /// The 64-byte Ed25519 signature of `message`.
    func sign(_ message: [UInt8]) -> [UInt8] {
        // Signing with a valid in-memory Ed25519 key does not fail (BoringSSL's ED25519_sign).
        guard let signature = try? key.signature(for: message) else {
            preconditionFailure("Ed25519 signing failed")
        }
        return Array(signature)
    }
}

/// An Ed25519 public key that verifies certifications.
///
/// Its file form is a `PUBLIC KEY` PEM document holding the SubjectPublicKeyInfo DER (RFC 8410),
/// which `openssl pkey -pubin` reads.
public struct VerifyingKey: Hashable, Sendable {
    let key: Curve25519.Signing.PublicKey

    init(key: Curve25519.Signing.PublicKey) { self.key = key }

    /// Reads a `PUBLIC KEY` PEM document holding an Ed25519 SubjectPublicKeyInfo.
    public init(spkiPEM: String) throws {
        guard let der = PEM.decode(spkiPEM, label: "PUBLIC KEY"),
            let key = try? Curve25519.Signing.PublicKey(derRepresentation: der)
        else { throw KeyError(.invalidPEM, "not an Ed25519 public key in PEM form (-----BEGIN PUBLIC KEY-----)") }
        self.key = key
    }

    /// The SubjectPublicKeyInfo DER bytes (44 bytes for Ed25519).
    public var spkiDER: [UInt8] { Array(key.derRepresentation) }

    /// The `PUBLIC KEY` PEM document, ending with a newline.
    public var spkiPEM: String { PEM.encode(label: "PUBLIC KEY", der: spkiDER) }

    /// The key id: lowercase hex SHA-256 of ``spkiDER``.
    ///
    /// Anyone can compute it from `public.pem` with
    /// `openssl pkey -pubin -in public.pem -outform DER | sha256sum`.
    public var keyID: String { Digest.sha256Hex(spkiDER) }

    /// Whether `signature` is this key's Ed25519 signature of `message`.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        signature.count == 64 && key.isValidSignature(signature, for: message)
    }

    public static func == (a: VerifyingKey, b: VerifyingKey) -> Bool { a.spkiDER == b.spkiDER }
    public func hash(into hasher: inout Hasher) { hasher.combine(spkiDER) }
}
