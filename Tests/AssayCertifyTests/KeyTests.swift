import Foundation
import Testing

@testable import AssayCertify

@Suite("Keys")
struct KeyTests {
    @Test("PEM round trip of both keys")
    func pemRoundTrip() throws {
        let key = SigningKey.generate()
        #expect(key.pkcs8PEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(key.pkcs8PEM.hasSuffix("-----END PRIVATE KEY-----\n"))
        let again = try SigningKey(pkcs8PEM: key.pkcs8PEM)
        #expect(again.publicKey == key.publicKey)
        #expect(again.pkcs8PEM == key.pkcs8PEM)
        let pub = try VerifyingKey(spkiPEM: key.publicKey.spkiPEM)
        #expect(pub == key.publicKey)
        #expect(pub.spkiDER.count == 44)
        #expect(pub.keyID.count == 64 && pub.keyID.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(SigningKey.generate().publicKey.keyID != key.publicKey.keyID)
        // A public PEM is not a private key and the other way round.
        #expect(throws: KeyError.self) { try SigningKey(pkcs8PEM: key.publicKey.spkiPEM) }
        #expect(throws: KeyError.self) { try VerifyingKey(spkiPEM: key.pkcs8PEM) }
        #expect(throws: KeyError.self) {
            try VerifyingKey(spkiPEM: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
        }
    }

    @Test("openssl parses both PEMs, derives the same public key and the same key id")
    func opensslReadsKeys() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let key = SigningKey.generate()
        try KeyFiles.writeKeyPair(key, to: folder.path)
        #expect(try folder.mode("private.pem") == 0o600)
        #expect(try folder.mode("public.pem") == 0o644)
        #expect(String(decoding: try folder.read("keyid"), as: UTF8.self) == key.publicKey.keyID + "\n")

        let parse = try shell(
            "openssl pkey -in private.pem -noout && openssl pkey -pubin -in public.pem -noout", in: folder.path)
        #expect(parse.status == 0, "\(parse.output)")
        let derived = try shell("openssl pkey -in private.pem -pubout", in: folder.path)
        #expect(derived.status == 0)
        #expect(derived.output == key.publicKey.spkiPEM)
        let keyID = try shell(
            "openssl pkey -pubin -in public.pem -outform DER | sha256sum | cut -d' ' -f1", in: folder.path)
        #expect(keyID.output == key.publicKey.keyID + "\n")
    }

    @Test("A key made by openssl loads and signs what openssl verifies")
    func opensslMadeKey() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let made = try shell(
            "openssl genpkey -algorithm ed25519 -out private.pem && chmod 600 private.pem && "
                + "openssl pkey -in private.pem -pubout -out public.pem", in: folder.path)
        #expect(made.status == 0, "\(made.output)")
        let key = try KeyFiles.loadSigningKey(path: folder.file("private.pem"))
        #expect(key.publicKey == (try KeyFiles.loadVerifyingKey(path: folder.file("public.pem"))))
        let message = Array("DSSEv1 5 hello 5 world".utf8)
        try folder.write("message.bin", message)
        try folder.write("sig.bin", key.sign(message))
        let verified = try shell(
            "openssl pkeyutl -verify -pubin -inkey public.pem -rawin -in message.bin -sigfile sig.bin", in: folder.path)
        #expect(verified.status == 0, "\(verified.output)")
    }

    @Test("Writing refuses to overwrite any existing key file")
    func refusesOverwrite() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let first = SigningKey.generate()
        try KeyFiles.writeKeyPair(first, to: folder.path + "/keys")
        let before = try TempFolderReader(folder.path + "/keys").contents()
        let error = #expect(throws: KeyError.self) {
            try KeyFiles.writeKeyPair(SigningKey.generate(), to: folder.path + "/keys")
        }
        #expect(error?.code == .fileExists)
        #expect(error?.description.contains("private.pem already exists") == true)
        #expect(try TempFolderReader(folder.path + "/keys").contents() == before)

        // Only one of the three files exists: still nothing is written.
        try FileManager.default.createDirectory(atPath: folder.path + "/other", withIntermediateDirectories: false)
        try folder.write("other/keyid", Array("x\n".utf8))
        #expect(throws: KeyError.self) { try KeyFiles.writeKeyPair(first, to: folder.path + "/other") }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/other/private.pem"))
    }

    @Test("Loading refuses a private key readable by group or others, without printing key material")
    func refusesReadablePrivateKey() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let key = SigningKey.generate()
        try KeyFiles.writeKeyPair(key, to: folder.path)
        let path = folder.file("private.pem")
        for mode in [0o644, 0o640, 0o604, 0o660] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            let error = #expect(throws: KeyError.self) { try KeyFiles.loadSigningKey(path: path) }
            #expect(error?.code == .insecurePermissions)
            let message = error?.description ?? ""
            #expect(message.contains(path))
            #expect(message.contains("chmod 600 \(path)"))
            #expect(message.contains("0" + String(mode, radix: 8)))
            for line in key.pkcs8PEM.split(separator: "\n") where !line.hasPrefix("-----") {
                #expect(!message.contains(line))
            }
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try KeyFiles.loadSigningKey(path: path).publicKey == key.publicKey)
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: path)
        #expect(try KeyFiles.loadSigningKey(path: path).publicKey == key.publicKey)

        let missing = #expect(throws: KeyError.self) { try KeyFiles.loadSigningKey(path: folder.file("nope.pem")) }
        #expect(missing?.code == .io)
        try folder.write("garbage.pem", Array("not a key".utf8), mode: 0o600)
        let garbage = #expect(throws: KeyError.self) { try KeyFiles.loadSigningKey(path: folder.file("garbage.pem")) }
        #expect(garbage?.code == .invalidPEM)
        #expect(garbage?.description.contains("garbage.pem") == true)
    }
}

/// The names and bytes of the files in a folder.
private struct TempFolderReader {
    let path: String
    init(_ path: String) { self.path = path }
    func contents() throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            out[name] = FileManager.default.contents(atPath: path + "/" + name)
        }
        return out
    }
}
