import ArgumentParser
import AssayKit
import Foundation

/// `assay history DIR --key PUB`: the certification chain of an output folder, checked.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the certification chain of an output folder and verify every link and signature.",
        discussion: """
            Reads DIR/certification.json and DIR/history/*.json (every signed run keeps its certification \
            there), oldest first: date, verdict, overall score, compliance and key id of each, whether its \
            signature verifies with one of the keys given, and whether it names the one before it by digest. \
            Exits 0 when the chain is intact, 1 when it breaks (and says where), 2 when DIR holds no certification.
            """)

    @Argument(help: ArgumentHelp("The output folder (the --out of the runs).", valueName: "dir"))
    var folder: String

    @Option(help: ArgumentHelp("A public key that may have signed (repeatable, for rotated keys).", valueName: "pub"))
    var key: [String]

    func run() throws {
        var keys: [VerifyingKey] = []
        for path in key {
            do { keys.append(try KeyFiles.loadVerifyingKey(path: path)) } catch { throw ConfigurationError("\(error)") }
        }
        let history = CertificationHistory.read(folder: folder)
        guard !history.files.isEmpty || !history.unreadable.isEmpty else {
            throw ConfigurationError("\(folder) holds no certification (no certification.json, nothing in \(folder)/history/)")
        }
        let chain = history.verify(keys: keys)
        var rows = [["ISSUED", "VERDICT", "OVERALL", "COMPLIANCE", "KEY", "SIGNATURE", "LINK", "FILE"]]
        for link in chain.links {
            let a = link.attestation
            let compliance = a.map { "\($0.scores.compliance.passed)/\($0.scores.compliance.applicable)" } ?? "-"
            rows.append([
                a?.issuedAt ?? "-", a?.verdict.rawValue ?? "-", a?.scores.overall?.description ?? "-", compliance,
                link.keyID.map { String($0.prefix(12)) } ?? "-", link.signatureValid ? "valid" : "INVALID",
                link.state == .intact ? "ok" : link.state.rawValue.uppercased(), link.names.joined(separator: ", "),
            ])
        }
        Terminal.out(table(rows))
        let count = chain.links.filter { $0.attestation != nil }.count
        if chain.isIntact {
            Terminal.out(Style.good("chain intact") + ": \(count) certification\(count == 1 ? "" : "s"), every signature valid, every link to the one before it holds")
        } else {
            Terminal.out(Style.bad("chain BROKEN") + ":")
            for problem in chain.breaks { Terminal.out("  - " + TerminalSummary.oneLine(problem)) }
            throw AssayExit.policyFailed
        }
    }
}
