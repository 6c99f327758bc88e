import AssayTestSupport
import Foundation
import Testing

@Suite("The assay command line")
struct CLITests {
    static let sample = RepositoryPaths.root.appendingPathComponent("examples/sample-stack").path

    @Test func version() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }

    @Test("usage and configuration errors exit 2", arguments: [
        ["run"], ["run", "--no-such-flag"], ["run", "--files", "/no/such/folder"], ["run", "--fail-on", "severe", "--files", "."],
        ["checks", "lint", "/no/such/check.lua"],
    ])
    func usageErrors(_ arguments: [String]) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.all)")
        #expect(!result.stderr.isEmpty)
    }

    @Test func badConfigurationNamesTheKey() throws {
        let folder = try TemporaryFolder(["assay.yaml": "targets:\n  - { name: x, kind: files, path: . }\npolicy:\n  certifed: {}\n"])
        defer { folder.remove() }
        let result = try CLI.run(["run", "--config", folder.file("assay.yaml")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("policy: unknown key 'certifed'"))
    }

    @Test func lintPrintsFileAndLine() throws {
        let folder = try TemporaryFolder([
            "good.lua": checkSource(id: "LINT-GOOD", "ctx:pass()"),
            "bad.lua": "return assay.check {\n  id = \"LINT-BAD\", title = \"t\", severity = \"severe\", category = \"security\",\n  needs = { \"files\" }, run = function() end }\n",
        ])
        defer { folder.remove() }
        let bad = try CLI.run(["checks", "lint", folder.path])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("\(folder.path)/bad.lua:2:44: unknown severity 'severe'"), "\(bad.all)")
        let good = try CLI.run(["checks", "lint", folder.file("good.lua")])
        #expect(good.status == 0, "\(good.all)")
    }

    @Test func passingPolicyExitsZeroAndFailOnExitsOne() throws {
        let checks = try TemporaryFolder([
            "ok.lua": checkSource(id: "ALWAYS-OK", "ctx:pass()"),
            "low.lua": checkSource(id: "LOW-ISSUE", severity: "low", "ctx:fail('a small thing')"),
        ])
        defer { checks.remove() }
        let base = ["run", "--files", Self.sample, "--no-builtin", "--checks", checks.path]
        let passing = try CLI.run(base + ["--skip", "LOW-ISSUE"])
        #expect(passing.status == 0, "\(passing.all)")
        #expect(passing.stdout.contains("Verdict: CERTIFIED"))
        let failOn = try CLI.run(base + ["--fail-on", "low"])
        #expect(failOn.status == 1, "\(failOn.all)")
    }

    @Test func sampleAuditLeaksNoSecretToTheTerminal() throws {
        let out = try TemporaryFolder()
        defer { out.remove() }
        let result = try CLI.run(["run", "--files", "sample=\(Self.sample)", "--out", out.path, "--verbose"])
        #expect([0, 1].contains(result.status), "\(result.all)")
        #expect(result.stdout.contains("Verdict:"))
        for secret in ["r8Vq2-sample-stack-DISTINCTIVE-kZt9mW4xLp7Hs3Nd", "admin-sample-plaintext-7Qm2", "f3a9c1e7b2d84605a9e1c3b7d2f48a61"] {
            #expect(!result.all.contains(secret))
            for file in ["report.json", "report.md"] {
                #expect(!String(decoding: out.read(file), as: UTF8.self).contains(secret))
            }
        }
    }

    @Test func keygenSignVerifyTamperAndDiff() throws {
        let keys = try TemporaryFolder()
        let out = try TemporaryFolder()
        let checks = try TemporaryFolder(["c.lua": checkSource(id: "CHAIN-CHECK", """
            for _, doc in ipairs(ctx.target:configs("redis")) do ctx:fail { resource = doc.path, message = "redis.conf present" } end
            ctx:pass { resource = "always" }
            """)])
        defer { [keys, out, checks].forEach { $0.remove() } }
        let keyDir = keys.file("k")
        #expect(try CLI.run(["keygen", "--out", keyDir]).status == 0)
        #expect(try CLI.run(["keygen", "--out", keyDir]).status != 0, "keygen must refuse to overwrite")
        let run = ["run", "--files", Self.sample, "--no-builtin", "--checks", checks.path, "--out", out.path, "--sign", keyDir + "/private.pem"]
        _ = try CLI.run(run)
        _ = try CLI.run(run)
        let verified = try CLI.run(["verify", out.file("certification.md"), "--key", keyDir + "/public.pem"])
        #expect(verified.status == 0, "\(verified.all)")
        #expect(verified.stdout.contains("signature valid; verdict "))
        #expect(FileManager.default.fileExists(atPath: out.file("history")))

        var markdown = out.read("certification.md")
        markdown[40] = markdown[40] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
        try Data(markdown).write(to: URL(fileURLWithPath: out.file("tampered.md")))
        let tampered = try CLI.run(["verify", out.file("tampered.md"), "--key", keyDir + "/public.pem"])
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("FAILED"))

        let history = try FileManager.default.contentsOfDirectory(atPath: out.file("history")).sorted()
        let diff = try CLI.run(["diff", out.file("history/" + history[0]), out.file("certification.json")])
        #expect(diff.status == 0, "\(diff.all)")
    }

    @Test func signingWithAReadableKeyFails() throws {
        let keys = try TemporaryFolder()
        defer { keys.remove() }
        #expect(try CLI.run(["keygen", "--out", keys.file("k")]).status == 0)
        chmod(keys.file("k/private.pem"), 0o644)
        let result = try CLI.run(["run", "--files", Self.sample, "--out", keys.file("out"), "--sign", keys.file("k/private.pem")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("chmod 600"))
        #expect(!result.all.contains("PRIVATE KEY"))
    }
}
