import AssayTestSupport
import Foundation
import Testing

/// What a scheduled run needs from `assay run`: exit codes alerting can use, a lock, outputs that
/// survive a kill at any point, keys that never show, and the chain it leaves behind.
@Suite("Unattended runs", .serialized)
struct UnattendedRunTests {
    static let sample = RepositoryPaths.root.appendingPathComponent("examples/sample-stack").path

    /// Checks whose verdict passes (CERTIFIED) while one low finding is open.
    static func passingChecks() throws -> TemporaryFolder {
        try TemporaryFolder([
            "ok.lua": checkSource(id: "ALWAYS-OK", "ctx:pass()"),
            "low.lua": checkSource(id: "LOW-ISSUE", severity: "low", "ctx:fail('a small thing')"),
        ])
    }

    @Test func failOnCountsPerSeverity() throws {
        let checks = try Self.passingChecks()
        defer { checks.remove() }
        let base = ["run", "--files", Self.sample, "--no-builtin", "--checks", checks.path]
        #expect(try CLI.run(base).status == 0)
        #expect(try CLI.run(base + ["--fail-on", "low=1"]).status == 0, "one open low finding is allowed")
        let over = try CLI.run(base + ["--fail-on", "low=1", "--fail-on", "low"])
        #expect(over.status == 1)
        #expect(over.stdout.contains("--fail-on low: 1 open finding at or above low (0 allowed): exceeded"), "\(over.stdout)")
        #expect(try CLI.run(base + ["--fail-on", "critical"]).status == 0)
        #expect(try CLI.run(base + ["--fail-on", "low=-1"]).status == 2)
    }

    @Test func anIncompleteRunExitsFourWithItsOutputsWritten() throws {
        let checks = try TemporaryFolder(["slow.lua": checkSource(id: "SPIN", "while true do end"), "ok.lua": checkSource(id: "OK", "ctx:pass()")])
        let out = try TemporaryFolder()
        defer { checks.remove(); out.remove() }
        try out.write("assay.yaml", "limits: { instructions: 1000000000000, check_timeout_ms: 30000, run_timeout_ms: 1500 }\n")
        let result = try CLI.run([
            "run", "--config", out.file("assay.yaml"), "--files", Self.sample, "--no-builtin", "--checks", checks.path, "--out", out.file("audit"),
        ])
        #expect(result.status == 4, "\(result.all)")
        #expect(result.stdout.contains("INCOMPLETE"))
        #expect(String(decoding: out.read("audit/report.md"), as: UTF8.self).contains("**This audit is incomplete**"))
    }

    @Test func aSecondRunOnAHeldOutputExitsFiveAndTouchesNothing() throws {
        let checks = try Self.passingChecks()
        let out = try TemporaryFolder()
        defer { checks.remove(); out.remove() }
        let run = ["run", "--files", Self.sample, "--no-builtin", "--checks", checks.path, "--out", out.path]
        #expect(try CLI.run(run).status == 0)
        let before = out.read("report.json")
        // flock(1) holds the lock as another run would.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["-x", out.file(".assay.lock"), "-c", "echo held; sleep 30"]
        let pipe = Pipe()
        holder.standardOutput = pipe
        try holder.run()
        defer { holder.terminate(); holder.waitUntilExit() }
        _ = pipe.fileHandleForReading.availableData  // "held": the lock is taken
        let second = try CLI.run(run)
        #expect(second.status == 5, "\(second.all)")
        #expect(second.stderr.contains("another assay run") && second.stderr.contains("is writing"))
        #expect(out.read("report.json") == before)
    }

    /// Kills a signed run as soon as it starts building the new generation of the folder, and at
    /// spread-out moments after: each time the previous outputs stay whole and verifiable.
    @Test func aRunKilledMidWriteLeavesThePreviousOutputsIntact() throws {
        let keys = try TemporaryFolder()
        let root = try TemporaryFolder()
        defer { keys.remove(); root.remove() }
        #expect(try CLI.run(["keygen", "--out", keys.file("k")]).status == 0)
        let out = root.file("audit")
        let run = [
            "run", "--files", "sample=\(Self.sample)", "--out", out, "--sign", keys.file("k/private.pem"), "--record", out + "/transcript.jsonl",
            "--format", "sarif", "--format", "junit", "--format", "prometheus",
        ]
        #expect([0, 1].contains(try CLI.run(run).status))
        let names = ["certification.md", "certification.json", "report.json", "report.md", "report.html", "report.sarif", "transcript.jsonl"]
        var killedMidWrite = 0
        for attempt in 0..<12 {
            let before = try Self.inodes(names, in: out)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLI.executable)
            process.arguments = run
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The first attempts wait for the staging folder; the others kill at a fixed delay.
            if attempt < 6 {
                let deadline = Date().addingTimeInterval(30)
                while process.isRunning, Date() < deadline {
                    if (try? FileManager.default.contentsOfDirectory(atPath: root.path))?.contains(where: { $0.hasPrefix(".audit.assay-new-") }) == true {
                        kill(process.processIdentifier, SIGKILL)
                        killedMidWrite += 1
                        break
                    }
                    usleep(200)
                }
            } else {
                usleep(UInt32(50_000 * (attempt - 5)))
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            let verified = try CLI.run(["verify", out + "/certification.md", "--key", keys.file("k/public.pem")])
            #expect(verified.status == 0, "attempt \(attempt): \(verified.all)")
            #expect(verified.stdout.contains("report.sarif") && verified.stdout.contains("transcript.jsonl"), "every sibling is checked")
            let after = try Self.inodes(names, in: out)
            if process.terminationReason == .uncaughtSignal {
                // Killed: either no file was replaced, or (killed after the swap) every one was.
                let changed = names.filter { before[$0] != after[$0] }
                #expect(changed.isEmpty || changed.count == names.count, "attempt \(attempt): only \(changed) changed")
            }
        }
        #expect(killedMidWrite >= 3, "the run was caught while writing \(killedMidWrite) times")
        // The next run completes and removes what the killed ones left half-built.
        #expect([0, 1].contains(try CLI.run(run).status))
        let left = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.contains("assay-new") }
        #expect(left.isEmpty, "\(left)")
        let history = try CLI.run(["history", out, "--key", keys.file("k/public.pem")])
        #expect(history.status == 0, "\(history.all)")
    }

    /// The inode of each file: a new generation of the folder has new files throughout.
    static func inodes(_ names: [String], in folder: String) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for name in names {
            result[name] = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.systemFileNumber] as? Int
        }
        return result
    }

    @Test func signingKeysFromAnEnvironmentVariableOrADescriptorAreNeverShown() throws {
        let keys = try TemporaryFolder()
        let out = try TemporaryFolder()
        let checks = try Self.passingChecks()
        defer { keys.remove(); out.remove(); checks.remove() }
        #expect(try CLI.run(["keygen", "--out", keys.file("k")]).status == 0)
        let pem = String(decoding: keys.read("k/private.pem"), as: UTF8.self)
        let body = pem.split(separator: "\n")[1]
        let base = ["run", "--files", Self.sample, "--no-builtin", "--checks", checks.path, "--verbose"]
        var environment = ProcessInfo.processInfo.environment
        environment["ASSAY_TEST_SIGNING_KEY"] = pem
        let fromEnvironment = try Program.run(CLI.executable, base + ["--out", out.file("env"), "--sign", "env:ASSAY_TEST_SIGNING_KEY"], environment: environment)
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        let fromDescriptor = try Program.run(
            "/bin/sh", ["-c", "exec 3<\"$1\"; shift; exec \"$@\"", "sh", keys.file("k/private.pem"), CLI.executable]
                + base + ["--out", out.file("fd"), "--sign", "fd:3"])
        #expect(fromDescriptor.status == 0, "\(fromDescriptor.stderr)")
        for folder in ["env", "fd"] {
            let verified = try CLI.run(["verify", out.file("\(folder)/certification.md"), "--key", keys.file("k/public.pem")])
            #expect(verified.status == 0, "\(verified.all)")
        }
        // A broken key in the variable: exit 2, the variable named, its text never repeated.
        environment["ASSAY_TEST_SIGNING_KEY"] = "-----BEGIN PRIVATE KEY-----\nTOPSECRETNOTAKEY\n-----END PRIVATE KEY-----\n"
        let broken = try Program.run(CLI.executable, base + ["--out", out.file("bad"), "--sign", "env:ASSAY_TEST_SIGNING_KEY"], environment: environment)
        #expect(broken.status == 2)
        #expect(broken.stderr.contains("env:ASSAY_TEST_SIGNING_KEY"))
        for result in [fromEnvironment, fromDescriptor, broken] {
            let all = result.stdout + result.stderr
            #expect(!all.contains(body) && !all.contains("TOPSECRETNOTAKEY"))
        }
        for file in ["env/report.json", "env/report.md", "env/report.html", "env/certification.md", "fd/certification.json"] {
            #expect(!String(decoding: out.read(file), as: UTF8.self).contains(body), "\(file)")
        }
    }

    @Test func historyListsTheChainAndSaysWhereItBreaks() throws {
        let keys = try TemporaryFolder()
        let out = try TemporaryFolder()
        defer { keys.remove(); out.remove() }
        #expect(try CLI.run(["keygen", "--out", keys.file("k")]).status == 0)
        let run = ["run", "--files", "sample=\(Self.sample)", "--out", out.path, "--sign", keys.file("k/private.pem")]
        for _ in 0..<3 { _ = try CLI.run(run) }
        let intact = try CLI.run(["history", out.path, "--key", keys.file("k/public.pem")])
        #expect(intact.status == 0, "\(intact.all)")
        #expect(intact.stdout.contains("chain intact: 3 certifications"))
        #expect(intact.stdout.contains("NOT CERTIFIED") && intact.stdout.contains("valid"))
        // The middle certification of the chain, as the listing orders it (oldest first).
        let rows = intact.stdout.split(separator: "\n").filter { $0.contains("history/certification-") }
        #expect(rows.count == 3)
        let middle = try #require(rows[1].split(separator: " ").last { $0.hasPrefix("history/") })
        try FileManager.default.removeItem(atPath: out.file(String(middle)))
        let broken = try CLI.run(["history", out.path, "--key", keys.file("k/public.pem")])
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("chain BROKEN"))
        #expect(broken.stdout.contains("the chain breaks here"), "\(broken.stdout)")
        #expect(try CLI.run(["history", keys.path, "--key", keys.file("k/public.pem")]).status == 2, "no certification at all")
    }
}
