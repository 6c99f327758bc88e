import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

@Suite("Secrets never reach an output")
struct SecretsTests {
    /// The distinctive secrets of examples/sample-stack (.env and userlist.txt).
    static let sampleSecrets = [
        "r8Vq2-sample-stack-DISTINCTIVE-kZt9mW4xLp7Hs3Nd", "admin-sample-plaintext-7Qm2", "f3a9c1e7b2d84605a9e1c3b7d2f48a61",
    ]

    @Test func sampleSecretsAreInNoOutput() throws {
        // A check that tries hard to leak: it puts everything it can read into evidence and messages.
        let checks = try TemporaryFolder([
            "leak.lua": checkSource(id: "LEAK-EVERYTHING", """
                for _, kind in ipairs({ "dotenv", "compose", "pgbouncer", "userlist", "redis", "postgresql", "hba" }) do
                  for _, doc in ipairs(ctx.target:configs(kind)) do
                    ctx:fail { resource = doc.path, message = kind, evidence = doc.data }
                  end
                end
                """)
        ])
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
}
