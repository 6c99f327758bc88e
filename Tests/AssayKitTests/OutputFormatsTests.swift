import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// What every format owes: the same bytes for the same state, no secret, and the outputs the
/// configuration asks for.
@Suite("Every output format")
struct OutputFormatsTests {
    /// A format's bytes without the lines that carry the run's times.
    static func stable(_ bytes: [UInt8], _ report: Report) -> String {
        let times = [report.startedAt, report.finishedAt] + [report.startedAt, report.finishedAt].compactMap { RFC3339.unixSeconds($0).map(String.init) }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            // The run's duration (Prometheus, the JUnit root's time) depends on time as the timestamps do.
            .filter { line in !times.contains { line.contains($0) } && !line.hasPrefix("assay_run_duration_seconds ") && !line.hasPrefix("<testsuites ") }
            .joined(separator: "\n")
    }

    @Test func twoRunsOnTheSameStateGiveTheSameBytes() throws {
        let checks = try TemporaryFolder(OutputFixture.checks)
        defer { checks.remove() }
        var rendered: [String: Set<String>] = [:]
        for _ in 0..<2 {
            let result = try OutputFixture.run(checksFolder: checks.path)
            for renderer in OutputRenderers.all where renderer.format != "transcript" {
                let bytes = try renderer.render(RenderInput(result: result, includesTranscript: false)) ?? []
                rendered[renderer.format, default: []].insert(Self.stable(bytes, result.report))
            }
        }
        for (format, versions) in rendered { #expect(versions.count == 1, "\(format) differs between two runs") }
        #expect(rendered.count == OutputRenderers.all.count - 1)
    }

    @Test func noSecretReachesAnyFormat() throws {
        let checks = try TemporaryFolder([
            "leak.lua": checkSource(id: "LEAK-EVERYTHING", """
                for _, kind in ipairs({ "dotenv", "compose", "pgbouncer", "userlist", "redis", "postgresql", "hba" }) do
                  for _, doc in ipairs(ctx.target:configs(kind)) do
                    ctx:fail { resource = doc.path, message = kind, evidence = doc.data }
                  end
                end
                """)
        ])
        let out = try TemporaryFolder()
        defer { checks.remove(); out.remove() }
        let result = try OutputFixture.run(checksFolder: checks.path)
        let written = try AuditOutput.write(
            result, to: out.path, includeTranscript: true, signing: .init(key: SigningKey.generate()), renderers: OutputRenderers.all)
        #expect(written.paths.count == OutputRenderers.all.count + 3, "\(written.paths)")  // + certification.md, .json, history
        for path in written.paths {
            let text = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
            #expect(!text.isEmpty, "\(path)")
            for (index, secret) in SecretsTests.sampleSecrets.enumerated() {
                #expect(!text.contains(secret), "secret #\(index) appears in \(path)")
            }
        }
    }

    @Test func outputsInAssayYamlAreReadAndChecked() throws {
        let configuration = try Configuration.parse(
            "outputs:\n  formats: [sarif, junit]\n  prometheus: metrics/assay.prom\n", baseDirectory: "/etc/assay")
        #expect(configuration.outputs.formats == ["sarif", "junit"])
        #expect(configuration.outputs.paths == ["prometheus": "/etc/assay/metrics/assay.prom"])
        #expect(throws: ConfigurationError.self) { try Configuration.parse("outputs:\n  formats: [pdf]\n") }
        do {
            _ = try Configuration.parse("outputs:\n  sarf: x.sarif\n")
            Issue.record("a misspelt format must be refused")
        } catch {
            #expect(error.message.contains("unknown key 'sarf'"), "\(error.message)")
        }
    }

    @Test func aLockedFolderIsRefusedAndNothingIsWritten() throws {
        let checks = try TemporaryFolder(OutputFixture.checks)
        let out = try TemporaryFolder()
        defer { checks.remove(); out.remove() }
        let result = try OutputFixture.run(checksFolder: checks.path)
        let held = try OutputLock.acquire(folder: out.path)
        do {
            _ = try AuditOutput.write(result, to: out.path, includeTranscript: false, signing: nil)
            Issue.record("a second writer must not get the lock")
        } catch {
            #expect(error.code == .locked)
            #expect(error.message.contains("pid \(getpid())"), "\(error.message)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.file("report.json")))
        // The holder itself writes with the lock it holds.
        _ = try AuditOutput.write(result, to: out.path, includeTranscript: false, signing: nil, lock: held)
        #expect(FileManager.default.fileExists(atPath: out.file("report.html")))
    }

    @Test func anUnsignedRunDropsTheOldCertificationButKeepsTheChain() throws {
        let checks = try TemporaryFolder(OutputFixture.checks)
        let out = try TemporaryFolder()
        defer { checks.remove(); out.remove() }
        let key = SigningKey.generate()
        try out.write("public.pem", key.publicKey.spkiPEM)
        _ = try AuditOutput.write(try OutputFixture.run(checksFolder: checks.path), to: out.path, includeTranscript: false, signing: .init(key: key))
        _ = try AuditOutput.write(try OutputFixture.run(checksFolder: checks.path), to: out.path, includeTranscript: false, signing: nil)
        // No certification beside files it does not sign; the chain and a foreign file stay.
        #expect(!FileManager.default.fileExists(atPath: out.file("certification.json")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.file("history")).count == 1)
        #expect(out.read("public.pem") == Array(key.publicKey.spkiPEM.utf8))
        // The next signed run chains to the newest in history.
        let third = try AuditOutput.write(try OutputFixture.run(checksFolder: checks.path), to: out.path, includeTranscript: false, signing: .init(key: key))
        #expect(third.certification?.attestation.previous != nil)
        #expect(CertificationHistory.read(folder: out.path).verify(keys: [key.publicKey]).isIntact)
    }
}
