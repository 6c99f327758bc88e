import AssayKit
import AssayTestSupport
import Foundation
import Testing

@Suite("The certification chain in history/")
struct HistoryChainTests {
    /// Three signed runs into one folder, and the folder.
    static func chain(runs: Int = 3, key: SigningKey) throws -> (TemporaryFolder, [String]) {
        let checks = try TemporaryFolder(OutputFixture.checks)
        defer { checks.remove() }
        let out = try TemporaryFolder()
        for _ in 0..<runs {
            _ = try AuditOutput.write(try OutputFixture.run(checksFolder: checks.path), to: out.path, includeTranscript: false, signing: .init(key: key))
        }
        // History file names, oldest first in chain order (runs within one second share a time).
        let links = CertificationHistory.read(folder: out.path).verify(keys: [key.publicKey]).links
        let names = links.compactMap { link in link.names.first { $0.hasPrefix("history/") }.map { String($0.dropFirst("history/".count)) } }
        return (out, names)
    }

    @Test func everySignedRunIsKeptAndTheChainVerifies() throws {
        let key = SigningKey.generate()
        let (out, names) = try Self.chain(key: key)
        defer { out.remove() }
        #expect(names.count == 3)
        let report = CertificationHistory.read(folder: out.path).verify(keys: [key.publicKey])
        #expect(report.isIntact, "\(report.breaks)")
        #expect(report.links.map(\.state) == [.start, .intact, .intact])
        #expect(report.links.last?.names.contains("certification.json") == true)
        // report.md and report.html of the last run show the trend across all three.
        let markdown = String(decoding: out.read("report.md"), as: UTF8.self)
        #expect(markdown.contains("## Since the previous certification"))
        #expect(markdown.contains("```mermaid\nxychart-beta"))
        let line = markdown.split(separator: "\n").first { $0.hasPrefix("    line [") }
        #expect(line?.split(separator: ",").count == 3)
        // The certification body does not repeat the diff that report.md carries.
        #expect(String(decoding: out.read("certification.md"), as: UTF8.self).components(separatedBy: "## Since the previous certification").count == 2)
    }

    @Test func aReplacedCertificationBreaksTheChainWhereItIs() throws {
        let key = SigningKey.generate()
        let (out, names) = try Self.chain(key: key)
        defer { out.remove() }
        // A validly signed certification that is not the one the next run chained to.
        let checks = try TemporaryFolder(OutputFixture.checks)
        defer { checks.remove() }
        let other = try TemporaryFolder()
        defer { other.remove() }
        _ = try AuditOutput.write(try OutputFixture.run(checksFolder: checks.path), to: other.path, includeTranscript: false, signing: .init(key: key))
        let middle = out.file("history/" + names[1])
        let original = try Attestation(certificationFile: out.read("history/" + names[1]))
        try Data(other.read("certification.json")).write(to: URL(fileURLWithPath: middle))
        let report = CertificationHistory.read(folder: out.path).verify(keys: [key.publicKey])
        #expect(!report.isIntact, "\(report.breaks)")
        let allSigned = report.links.allSatisfy { $0.signatureValid }
        #expect(allSigned, "every signature is still valid: only a link is broken")
        let issued = original.issuedAt
        let named = report.breaks.contains { $0.contains("the chain breaks here") && $0.contains(issued) }
        #expect(named, "\(report.breaks)")
    }

    @Test func aTamperedOrMissingCertificationIsNamed() throws {
        let key = SigningKey.generate()
        let (out, names) = try Self.chain(key: key)
        defer { out.remove() }
        // One byte of the signed payload changed: its signature fails, and so does the next link.
        var bytes = out.read("history/" + names[0])
        let text = String(decoding: bytes, as: UTF8.self)
        let payload = try #require(text.range(of: "\"payload\": \""))
        let index = text.utf8.distance(from: text.utf8.startIndex, to: payload.upperBound.samePosition(in: text.utf8)!) + 10
        bytes[index] = bytes[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try Data(bytes).write(to: URL(fileURLWithPath: out.file("history/" + names[0])))
        let tampered = CertificationHistory.read(folder: out.path).verify(keys: [key.publicKey])
        #expect(!tampered.isIntact, "\(tampered.breaks)")
        #expect(tampered.breaks.contains { $0.hasPrefix("history/" + names[0]) }, "\(tampered.breaks)")

        try FileManager.default.removeItem(atPath: out.file("history/" + names[0]))
        try FileManager.default.removeItem(atPath: out.file("history/" + names[1]))
        // Pruned from the start: the oldest kept certification may name one that is gone.
        let pruned = CertificationHistory.read(folder: out.path).verify(keys: [key.publicKey])
        #expect(pruned.isIntact, "\(pruned.breaks)")
        // A key that did not sign them: every signature is reported.
        let stranger = CertificationHistory.read(folder: out.path).verify(keys: [SigningKey.generate().publicKey])
        let unknownKey = stranger.breaks.contains { $0.contains("not among the keys given") }
        #expect(unknownKey, "\(stranger.breaks)")
    }
}
