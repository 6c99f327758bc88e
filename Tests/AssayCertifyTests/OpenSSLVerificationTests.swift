import AssayCore
import Foundation
import Testing

@testable import AssayCertify

/// Verifies certifications with the openssl command line alone, running the `sh` blocks of
/// docs/verifying-certifications.md exactly as written.
@Suite("Verification with standard tools")
struct OpenSSLVerificationTests {
    /// Every ```` ```sh ```` block of the document, in order.
    static func documentedScript() throws -> String {
        let text = try String(contentsOfFile: repositoryRoot + "/docs/verifying-certifications.md", encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sh" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks.joined(separator: "\n") + "\n"
    }

    /// Writes the files a third party receives into a new folder.
    static func handOver(_ issued: Issued, key: SigningKey, markdown: [UInt8]? = nil, json: [UInt8]? = nil) throws
        -> TempFolder
    {
        let folder = try TempFolder()
        try folder.write("certification.md", markdown ?? issued.signed.markdown)
        try folder.write("certification.json", json ?? issued.signed.json)
        try folder.write("report.json", issued.reportJSON)
        try folder.write("public.pem", Array(key.publicKey.spkiPEM.utf8))
        return folder
    }

    @Test("The documented steps verify a certification with openssl, sha256sum, jq, sed and awk")
    func verificationWithOpenSSLAlone() throws {
        let script = try Self.documentedScript()
        #expect(script.contains("openssl pkeyutl -verify -pubin -inkey public.pem -rawin -in pae.bin -sigfile sig.bin"))
        #expect(script.contains("printf 'DSSEv1 %d %s %d '"))
        #expect(script.contains("sha256sum"))

        let key = SigningKey.generate()
        let issued = try issue(Fixtures.runOne, key: key, validUntil: "2099-01-01T00:00:00Z")
        let folder = try Self.handOver(issued, key: key)
        defer { folder.remove() }
        let result = try shell(script, in: folder.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("Signature Verified Successfully"))
        #expect(result.output.contains("NOT CERTIFIED, issued 2025-06-01T12:00:00Z, valid until 2099-01-01T00:00:00Z"))
        // The shell's PAE and body are byte for byte Assay's.
        let envelope = try DSSEEnvelope(jsonBytes: issued.signed.json)
        #expect(try folder.read("pae.bin") == envelope.pae)
        #expect(try folder.read("body.md") == issued.signed.body)
        #expect(try folder.read("payload.json") == issued.signed.statement)
    }

    @Test("openssl rejects a tampered payload")
    func opensslRejectsTamperedPayload() throws {
        let script = try Self.documentedScript()
        let key = SigningKey.generate()
        let issued = try issue(Fixtures.runOne, key: key, validUntil: "2099-01-01T00:00:00Z")
        // The statement now claims CERTIFIED; the signature is the original one.
        var envelope = try DSSEEnvelope(jsonBytes: issued.signed.json)
        let claim = String(decoding: envelope.payload, as: UTF8.self)
            .replacingOccurrences(of: "\"verdict\":\"NOT CERTIFIED\"", with: "\"verdict\":\"CERTIFIED\"")
        #expect(Array(claim.utf8) != envelope.payload)
        envelope.payload = Array(claim.utf8)
        let json = envelope.fileBytes
        let markdown = SignedMarkdown.assemble(body: issued.signed.body, envelopeFile: json)
        let folder = try Self.handOver(issued, key: key, markdown: markdown, json: json)
        defer { folder.remove() }
        let result = try shell(script, in: folder.path)
        #expect(result.status != 0)
        #expect(result.output.contains("Signature Verification Failure"), "\(result.output)")
        #expect(!result.output.contains("Signature Verified Successfully"))
    }

    @Test("The documented steps reject a changed Markdown body and a swapped report")
    func shellRejectsChangedFiles() throws {
        let script = try Self.documentedScript()
        let key = SigningKey.generate()
        let issued = try issue(Fixtures.runOne, key: key, validUntil: "2099-01-01T00:00:00Z")

        let changed = String(decoding: issued.signed.markdown, as: UTF8.self)
            .replacingOccurrences(of: "# Assay certification: NOT CERTIFIED", with: "# Assay certification: CERTIFIED")
        let bodyFolder = try Self.handOver(issued, key: key, markdown: Array(changed.utf8))
        defer { bodyFolder.remove() }
        let body = try shell(script, in: bodyFolder.path)
        #expect(body.status != 0)
        #expect(body.output.contains("Signature Verified Successfully"))  // the envelope is intact
        #expect(body.output.contains("false"))  // the body digest comparison

        var other = issued
        other.reportJSON = try issue(Fixtures.runOne, key: key, startedAt: "2025-05-01T00:00:00Z").reportJSON
        let reportFolder = try Self.handOver(other, key: key)
        defer { reportFolder.remove() }
        let report = try shell(script, in: reportFolder.path)
        #expect(report.status != 0)
        #expect(!report.output.contains("valid until"))
    }
}
