import AssayTestSupport
import Foundation
import Testing

/// The shipped recipes for scheduled runs (examples/systemd, cron, kubernetes) are checked by the
/// tools that would read them, as far as this machine can (no cluster, no cron daemon).
@Suite("Unattended-run examples")
struct UnattendedExamplesTests {
    static let examples = RepositoryPaths.root.appendingPathComponent("examples")

    @Test("systemd-analyze verify accepts the service and timer", .enabled(if: ExternalTools.find("systemd-analyze") != nil, "needs systemd-analyze"))
    func systemdUnitsVerify() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // The units name /usr/local/bin/assay; systemd-analyze checks that it is executable, so the
        // copies name the binary under test instead. Nothing else is changed.
        let service = try String(contentsOf: Self.examples.appendingPathComponent("systemd/assay-audit.service"), encoding: .utf8)
        #expect(service.contains("ExecStart=/usr/local/bin/assay run"))
        try folder.write("assay-audit.service", service.replacingOccurrences(of: "/usr/local/bin/assay", with: CLI.executable))
        try folder.write("assay-audit.timer", try String(contentsOf: Self.examples.appendingPathComponent("systemd/assay-audit.timer"), encoding: .utf8))
        let verify = try Program.run(ExternalTools.find("systemd-analyze")!, ["verify", "assay-audit.service", "assay-audit.timer"], directory: folder.path)
        #expect(verify.status == 0 && verify.stderr.isEmpty, "\(verify.stdout)\(verify.stderr)")
        // systemd-analyze complains about a unit it cannot use: the check is real.
        try folder.write("broken.service", service.replacingOccurrences(of: "/usr/local/bin/assay", with: CLI.executable).replacingOccurrences(of: "Type=oneshot", with: "Type=oneshotx"))
        let broken = try Program.run(ExternalTools.find("systemd-analyze")!, ["verify", "broken.service"], directory: folder.path)
        #expect(!broken.stderr.isEmpty)
        // The command line of the unit is one assay accepts.
        let arguments = try Self.execStart(service)
        #expect(arguments.contains("--fail-on") && arguments.contains("--prometheus"))
    }

    @Test func theCronLineIsAValidScheduleAndCommand() throws {
        let text = try String(contentsOf: Self.examples.appendingPathComponent("cron/assay.cron"), encoding: .utf8)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lines.count == 1)
        let fields = lines[0].split(separator: " ", maxSplits: 6).map(String.init)
        #expect(fields.count == 7, "minute hour day month weekday user command")
        let ranges = [0...59, 0...23, 1...31, 1...12, 0...7]
        for (field, range) in zip(fields.prefix(5), ranges) {
            #expect(field == "*" || Int(field).map(range.contains) == true, "\(field)")
        }
        #expect(fields[5] == "root")
        #expect(fields[6].hasPrefix("/usr/local/bin/assay run ") && fields[6].contains("--out") && fields[6].contains("--sign"))
        #expect(try Program.run("/bin/sh", ["-n", "-c", fields[6]]).status == 0)
    }

    @Test("the Kubernetes CronJob is a batch/v1 CronJob that cannot overlap", .enabled(if: ExternalTools.hasPython(["yaml"]), "needs PyYAML"))
    func theCronJobManifestHasTheRightShape() throws {
        let path = Self.examples.appendingPathComponent("kubernetes/assay-cronjob.yaml").path
        let script = """
            import sys, yaml, json
            d = yaml.safe_load(open(sys.argv[1]))
            c = d["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
            print(json.dumps({"api": d["apiVersion"], "kind": d["kind"], "policy": d["spec"]["concurrencyPolicy"],
                "schedule": d["spec"]["schedule"], "args": c["args"],
                "env": [e["name"] for e in c["env"]], "restart": d["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"]}))
            """
        let result = try ExternalTools.python(script, [path])
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(result.text.utf8)) as? [String: Any])
        #expect(manifest["api"] as? String == "batch/v1" && manifest["kind"] as? String == "CronJob")
        #expect(manifest["policy"] as? String == "Forbid")
        #expect((manifest["schedule"] as? String)?.split(separator: " ").count == 5)
        let args = manifest["args"] as? [String] ?? []
        #expect(args.first == "run" && args.contains("env:ASSAY_SIGNING_KEY"))
        #expect((manifest["env"] as? [String])?.contains("ASSAY_SIGNING_KEY") == true)
        // The arguments parse: assay run with them and a missing config fails on the config, not a flag.
        let parsed = try CLI.run(args + ["--files", "/no/such/folder"])
        #expect(parsed.status == 2 && !parsed.stderr.contains("Unknown option"), "\(parsed.stderr)")
    }

    /// The words of ExecStart= (line continuations joined), `${…}` left as they are.
    static func execStart(_ unit: String) throws -> [String] {
        let joined = unit.replacingOccurrences(of: "\\\n", with: " ")
        guard let line = joined.split(separator: "\n").first(where: { $0.hasPrefix("ExecStart=") }) else { throw TestFailure("no ExecStart=") }
        return line.dropFirst("ExecStart=".count).split(separator: " ").map(String.init)
    }
}
