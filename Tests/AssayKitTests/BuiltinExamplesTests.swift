import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// `assay checks test`: every example of the built-in library passes, and a broken one fails.
@Suite("Check examples")
struct BuiltinExamplesTests {
    @Test("every example of the built-in library passes")
    func builtinExamplesPass() throws {
        let outcomes = try CheckExamples.run(at: CheckCatalog.builtinDirectory)
        let failed = outcomes.filter { !$0.passed }
        #expect(failed.isEmpty, "\(failed.map(\.line).joined(separator: "\n"))")
        // Every built-in check has an example: live checks replay the test stack's recording
        // (checks/<kind>/transcripts/stack.jsonl).
        let all = CheckLoader.loadAll(try CheckCatalog.builtinScripts()).checks.map(\.id)
        #expect(Set(outcomes.map(\.check)) == Set(all))
        // Both a failing and a passing example for every files check but USERLIST-MODE (modes).
        let files = CheckLoader.loadAll(try CheckCatalog.scripts(at: CheckCatalog.builtinDirectory + "/files")).checks.map(\.id)
        let examplesPerCheck = Dictionary(grouping: outcomes.filter { files.contains($0.check) }, by: \.check)
        #expect(examplesPerCheck.count == files.count)
        #expect(examplesPerCheck.filter { $0.value.count < 2 }.map(\.key) == ["USERLIST-MODE"])
        #expect(outcomes.count >= 150)
        // Live checks whose recorded states differ have a failing and a passing example.
        let tuned = outcomes.filter { $0.example == "tuned" }.map(\.check)
        #expect(tuned.count >= 11 && tuned.contains("PG-LOG-CONNECTIONS") && tuned.contains("REDIS-PROTECTED-MODE"))
    }

    static let check = checkSource(id: "EX-REDIS", inputs: "port = '6379'", """
        local docs = assay.documents(ctx, "redis", "redis.conf")
        if not docs then return end
        for _, doc in ipairs(docs) do
          local port = tostring(doc.data.settings.port)
          if port == ctx:input("port", "6379") then ctx:fail { resource = doc.path, message = "the default port " .. port }
          else ctx:pass { resource = doc.path, message = "port " .. tostring(port) } end
        end
    """)

    @Test("an example that does not hold fails, saying why")
    func brokenExampleFails() throws {
        let folder = try TemporaryFolder([
            "ex-redis.lua": Self.check,
            "ex-redis.test/right/files/redis.conf": "port 6379\n",
            "ex-redis.test/right/expect.json": #"{"findings": [{"status": "fail", "resource": "redis.conf", "message": "default port 6379$"}]}"#,
            "ex-redis.test/wrong-status/files/redis.conf": "port 6379\n",
            "ex-redis.test/wrong-status/expect.json": #"{"findings": [{"status": "pass", "resource": "redis.conf"}]}"#,
            "ex-redis.test/wrong-message/files/redis.conf": "port 6380\n",
            "ex-redis.test/wrong-message/expect.json": #"{"findings": [{"status": "pass", "message": "^port 6379$"}]}"#,
            "ex-redis.test/missing/files/redis.conf": "port 6380\n",
            "ex-redis.test/missing/expect.json": #"{"findings": []}"#,
            "ex-redis.test/no-target/expect.json": #"{"findings": []}"#,
            "ex-redis.test/typo/files/redis.conf": "port 6380\n",
            "ex-redis.test/typo/expect.json": #"{"findings": [{"status": "pass", "mesage": "port"}]}"#,
            "ex-redis.test/yaml/files/redis.conf": "port 6380\n",
            "ex-redis.test/yaml/expect.yaml": "inputs: { port: '6380' }\nfindings:\n  - { status: fail, resource: redis.conf, message: 'port 6380$' }\n",
        ])
        defer { folder.remove() }
        let outcomes = try CheckExamples.run(at: folder.path)
        let byName = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.example, $0) })
        #expect(byName["right"]?.passed == true, "\(byName["right"]?.line ?? "")")
        #expect(byName["wrong-status"]?.problems == ["expected pass redis.conf, not found", "unexpected fail redis.conf: the default port 6379"])
        #expect(byName["wrong-message"]?.problems == ["expected pass /^port 6379$/, not found", "unexpected pass redis.conf: port 6380"])
        #expect(byName["missing"]?.problems == ["unexpected pass redis.conf: port 6380"])
        #expect(byName["no-target"]?.problems == ["no files/ folder and no transcript.jsonl"])
        #expect(byName["yaml"]?.passed == true, "\(byName["yaml"]?.line ?? "")")
        #expect(byName["typo"]?.problems == [
            "expect: unknown key 'findings[0].mesage' (did you mean 'message'?) (expected status, resource, message, severity)"
        ])
    }

    @Test("a recorded transcript is an example: replayed, with no server")
    func transcriptExample() throws {
        let folder = try TemporaryFolder([
            "ex-redis.lua": Self.check,
            "conf/redis.conf": "port 6379\n",
        ])
        defer { folder.remove() }
        // Record a run, as `assay run --record` does, then use the transcript as an example.
        var configuration = Configuration(
            targets: [TargetConfiguration(name: "conf", kind: .files, location: folder.file("conf"))], builtinChecks: false,
            include: ["EX-REDIS"])
        configuration.checkPaths = [folder.file("ex-redis.lua")]
        let recorded = try Auditor(configuration: configuration, recordsTranscript: true).run().scrubbed()
        try folder.write("ex-redis.test/recorded/transcript.jsonl", String(decoding: recorded.transcript.bytes, as: UTF8.self))
        try folder.write("ex-redis.test/recorded/expect.json", #"{"findings": [{"status": "fail", "resource": "redis.conf"}]}"#)
        try FileManager.default.removeItem(atPath: folder.file("conf"))
        let outcomes = try CheckExamples.run(at: folder.path)
        #expect(outcomes.map(\.line) == ["ok    EX-REDIS recorded"])
    }
}
