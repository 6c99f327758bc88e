import AssayConnectors
import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Logging
import Testing

@Suite("Secrets never reach an output")
struct SecretsTests {
    /// The distinctive secrets of examples/sample-stack (.env and userlist.txt).
    static let sampleSecrets = [
        "r8Vq2-sample-stack-DISTINCTIVE-kZt9mW4xLp7Hs3Nd", "admin-sample-plaintext-7Qm2", "f3a9c1e7b2d84605a9e1c3b7d2f48a61",
    ]

    /// A check that tries hard to leak: it puts everything it can read into evidence and messages.
    static let leakyCheck = checkSource(id: "LEAK-EVERYTHING", """
        for _, kind in ipairs({ "dotenv", "compose", "pgbouncer", "userlist", "redis", "postgresql", "hba" }) do
          for _, doc in ipairs(ctx.target:configs(kind)) do
            ctx:fail { resource = doc.path, message = kind, evidence = doc.data }
          end
        end
        """)

    @Test func sampleSecretsAreInNoOutput() throws {
        let checks = try TemporaryFolder(["leak.lua": Self.leakyCheck])
        defer { checks.remove() }
        let out = try TemporaryFolder()
        defer { out.remove() }
        let sample = RepositoryPaths.root.appendingPathComponent("examples/sample-stack").path
        let configuration = Configuration(targets: [TargetConfiguration(name: "sample", kind: .files, location: sample)], checkPaths: [checks.path])
        let result = try Auditor(configuration: configuration).run()
        _ = try AuditOutput.write(result, to: out.path, includeTranscript: true, signing: nil)
        let outputs = ["report.json", "report.md", "transcript.jsonl"].map { String(decoding: out.read($0), as: UTF8.self) }
        #expect(outputs[0].contains("LEAK-EVERYTHING"))
        for (index, secret) in Self.sampleSecrets.enumerated() {
            for (file, text) in zip(["report.json", "report.md", "transcript.jsonl"], outputs) {
                #expect(!text.contains(secret), "secret #\(index) appears in \(file)")
            }
        }
    }

    /// A value found under a secret key is scrubbed by value wherever else it turns up: here the
    /// same token under a harmless name, which no rule by name or context would catch.
    @Test func aFoundSecretIsScrubbedByValueEverywhere() throws {
        let secret = "Kit-Reused-Token-7Qm2xZ"
        let folder = try TemporaryFolder([".env": "API_TOKEN=\(secret)\nNOTE=rotate \(secret) soon\n"])
        let checks = try TemporaryFolder(["leak.lua": Self.leakyCheck])
        defer { [folder, checks].forEach { $0.remove() } }
        let configuration = Configuration(targets: [TargetConfiguration(name: "app", kind: .files, location: folder.path)],
                                          checkPaths: [checks.path], builtinChecks: false)
        let result = try Auditor(configuration: configuration).run()
        #expect(result.secrets.values.contains(secret), "registered from API_TOKEN")
        // The connector's answer is scrubbed by value too: the check never saw the token under NOTE.
        let evidence = JSONWriter().string(.array(result.report.findings.map(\.evidence)))
        #expect(evidence.contains("rotate REDACTED soon"))
        #expect(!evidence.contains(secret))
        let out = try TemporaryFolder()
        defer { out.remove() }
        _ = try AuditOutput.write(result, to: out.path, includeTranscript: true, signing: nil)
        for file in ["report.json", "report.md", "transcript.jsonl"] {
            #expect(!String(decoding: out.read(file), as: UTF8.self).contains(secret), "\(file)")
        }
    }

    /// The output boundary is the net under the connectors: a finding whose text carries a secret
    /// (as a check might build from an error) is scrubbed when written, by context and by value.
    @Test func theOutputBoundaryScrubsWhatSlippedThrough() throws {
        let given = "Kit-Given-Credential-7Qm2"
        let secrets = SecretRegistry()
        secrets.registerCredential(given, target: "db", source: "the URL")
        let finding = Finding(
            checkID: "X", title: "t", severity: .high, category: "security", status: .fail, target: "db", resource: "r",
            message: "connect to postgres://u:Kit-In-Context-7Qm2@h/db failed; password was \(given)",
            evidence: ["token": "Kit-Evidence-Key-7Qm2", "note": .string(Data(("u:" + given).utf8).base64EncodedString())])
        var result = try Auditor(configuration: Configuration(builtinChecks: false), secrets: secrets).run()
        result.report.findings = [finding]
        let scrubbed = result.scrubbed()
        let text = JSONWriter().string(scrubbed.report.json)
        for secret in [given, "Kit-In-Context-7Qm2", "Kit-Evidence-Key-7Qm2", String(Data(given.utf8).base64EncodedString().prefix(12))] {
            #expect(!text.contains(secret), "\(secret)")
        }
        #expect(scrubbed.report.findings[0].message == "connect to postgres://u:REDACTED@h/db failed; password was REDACTED")
        #expect(scrubbed.isScrubbed)
    }
}

/// `--verbose` goes through the same last pass as the reports.
@Suite("Log lines are scrubbed")
struct ScrubbingLogHandlerTests {
    final class Recorder: LogHandler, @unchecked Sendable {  // written by one test thread
        var lines: [String] = []
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            lines.append(event.message.description + " " + (event.metadata ?? [:]).values.map(\.description).joined())
        }
    }

    @Test func messagesAndMetadataLoseTheirSecrets() {
        let secrets = SecretRegistry()
        secrets.registerCredential("Log-Given-Secret-7Qm2", target: "db", source: "the URL")
        let recorder = Recorder()
        let logger = Logger(label: "t") { _ in ScrubbingLogHandler(recorder, secrets: secrets) }
        logger.debug("check saw Log-Given-Secret-7Qm2 and postgres://u:Log-Context-7Qm2@h/db", metadata: ["k": "Log-Given-Secret-7Qm2"])
        #expect(recorder.lines == ["check saw REDACTED and postgres://u:REDACTED@h/db REDACTED"])
    }
}
