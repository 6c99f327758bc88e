// audit-example: audits a folder of configuration files and a live Redis with Assay's built-in
// checks plus one check given as text, signs the result, verifies it, and prints the verdict.
//
//     audit-example FOLDER REDIS_URL OUT_DIR
//
// It uses `import AssayKit` and nothing else of Assay's.
import AssayKit
import Foundation

// Checks run in worker processes of this very executable (a crash or a hang costs one check):
// when started as a worker, this serves and exits.
AssayWorker.serveIfRequested()

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: audit-example FOLDER REDIS_URL OUT_DIR\n".utf8))
    exit(2)
}
let (folder, redisURL, out) = (arguments[1], arguments[2], arguments[3])

// A check of our own, from a string: this tool's team wants Redis to keep at most 16 databases.
let ownCheck = CheckScript(path: "example/redis-databases.lua", source: Array("""
    return assay.check {
      id = "EXAMPLE-REDIS-DATABASES", title = "Redis keeps at most 16 databases", severity = "low",
      category = "maintenance", needs = { "redis" },
      run = function(ctx)
        local databases = tonumber(ctx.target:config_get("databases").databases)
        if databases > 16 then
          ctx:fail { resource = "setting/databases", message = "databases = " .. databases }
        else
          ctx:pass { resource = "setting/databases", message = "databases = " .. databases }
        end
      end,
    }
    """.utf8))

var configuration = Configuration()
configuration.targets = [
    TargetConfiguration(name: "deploy", kind: .files, location: folder),
    TargetConfiguration(name: "cache", kind: .redis, location: redisURL),
]
configuration.checkScripts = [ownCheck]

let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arguments[0]
let auditor = Auditor(configuration: configuration, isolation: .workerProcesses(executable: executable))
let result = try await auditor.run()

let key = SigningKey.generate()
let written = try AuditOutput.write(result, to: out, includeTranscript: false, signing: .init(key: key))
guard let certification = written.certification else { fatalError("signing wrote no certification") }
let verified = try Verifier.verify(
    contents: certification.markdown, format: .markdown, key: key.publicKey, now: Int64(Date().timeIntervalSince1970))

print("verdict: \(result.report.verdict)")
print("score: \(result.report.scores.overall.map { "\($0)" } ?? "n/a")")
print("components: \(result.report.components.map { "\($0.name) (\($0.kind))" }.joined(separator: ", "))")
print("own check: \(result.report.findings.filter { $0.checkID == "EXAMPLE-REDIS-DATABASES" }.map { "\($0.status) \($0.message)" })")
print("certification verified: signed by \(verified.keyID), \(verified.subjectsChecked.count) subject(s) checked")
