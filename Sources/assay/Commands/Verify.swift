import ArgumentParser
import AssayKit
import Foundation

/// `assay verify FILE --key PUB`.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a certification (certification.json or certification.md) with a public key.",
        discussion: "report.json, transcript.jsonl and certification.md found beside FILE are checked against their subject digests too.")

    @Argument(help: ArgumentHelp("certification.json or certification.md", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("The signer's public key (SPKI PEM).", valueName: "pub"))
    var key: String

    @Flag(name: .customLong("allow-expired"), help: "Check a certification whose validity has ended.")
    var allowExpired = false

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw ConfigurationError("cannot read \(file)") }
        let publicKey: VerifyingKey
        do { publicKey = try KeyFiles.loadVerifyingKey(path: key) } catch { throw ConfigurationError("\(error)") }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        var siblings: [String: [UInt8]] = [:]
        let format = CertificationFormat(fileName: file)
        // Every file the certification signs that is in its folder (certification.md itself only
        // when the JSON form is the one given).
        let subjects = (try? Attestation(certificationFile: Array(data)))?.subjects.map(\.name) ?? []
        for name in subjects where name != AuditOutput.certificationMarkdownName || format == .json {
            guard !name.contains("/"), name != ".", name != ".." else { continue }
            if let bytes = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) { siblings[name] = Array(bytes) }
        }
        do {
            let verified = try Verifier.verify(
                contents: Array(data), format: format, key: publicKey, now: Int64(Date().timeIntervalSince1970),
                allowExpired: allowExpired, siblings: siblings)
            // The signature holding and the verdict are two facts: say both, in words.
            Terminal.out("signature valid; verdict " + Style.verdict(verified.verdict.rawValue, verified.verdict))
            Terminal.out("  signed by key \(verified.keyID)")
            Terminal.out("  issued \(verified.issuedAt), valid until \(verified.validUntil)\(verified.isExpired ? " (EXPIRED)" : "")")
            Terminal.out("  subjects checked: \(verified.subjectsChecked.joined(separator: ", "))")
        } catch {
            Terminal.error("verification FAILED: \(error)")
            throw AssayExit.policyFailed
        }
    }
}
