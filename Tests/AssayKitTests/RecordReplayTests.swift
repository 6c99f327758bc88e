import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

@Suite("Record a run against real servers, stop them, replay")
struct RecordReplayTests {
    /// Runs a command; returns its exit status. Not `Program.run`: `stack up` leaves daemons that
    /// would inherit (and hold open) pipes for the output, so it writes to /dev/null and our stderr.
    @discardableResult
    static func shell(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func replayGivesIdenticalFindingsWithTheServersGone() throws {
        // A stack of its own, so that stopping it disturbs no other test.
        let directory = NSTemporaryDirectory() + "assay-replay-" + UUID().uuidString.prefix(8)
        let script = RepositoryPaths.root.appendingPathComponent("scripts/stack").path
        #expect(try Self.shell([script, "up", directory]) == 0)
        var stackIsUp = true
        defer { if stackIsUp { _ = try? Self.shell([script, "down", directory]) } }
        let stack = try LiveStack(values: LiveStack.read(path: directory + "/stack.env"))

        // Custom checks touching every connector, next to every built-in check.
        let checks = try TemporaryFolder([
            "pg.lua": checkSource(id: "RR-PG", needs: "postgres", """
                local rows = ctx.target:query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1", "app")
                ctx:pass { message = "sessions seen", evidence = { typed = math.type(rows[1].n) } }
                """),
            "pgb.lua": checkSource(id: "RR-PGB", needs: "pgbouncer", """
                for _, pool in ipairs(ctx.target:pools()) do ctx:pass { resource = "pool/" .. pool.database .. "/" .. pool.user } end
                """),
            "redis.lua": checkSource(id: "RR-REDIS", needs: "redis", """
                local info = ctx.target:info("memory")
                if info.memory.maxmemory == 0 then ctx:fail { message = "no cap" } else ctx:pass() end
                """),
            "docker.lua": checkSource(id: "RR-DOCKER", needs: "docker", """
                for _, c in ipairs(ctx.target:containers()) do ctx:pass { resource = "container" .. c.Names[1] } end
                """),
        ])
        defer { checks.remove() }
        let configuration = Configuration(
            targets: [
                TargetConfiguration(name: "files", kind: .files, location: try stack.value("ASSAY_STACK_FILES_DIR")),
                TargetConfiguration(name: "postgres", kind: .postgres, location: try stack.postgresURL),
                TargetConfiguration(name: "pgbouncer", kind: .pgbouncer, location: try stack.pgbouncerURL),
                TargetConfiguration(name: "redis", kind: .redis, location: try stack.redisURL),
                TargetConfiguration(name: "docker", kind: .docker, location: try stack.dockerURL),
            ],
            checkPaths: [checks.path])
        let recorded = try Auditor(configuration: configuration, recordsTranscript: true).run()
        let transcriptBytes = recorded.transcript.bytes

        #expect(try Self.shell([script, "down", directory]) == 0)
        stackIsUp = false
        #expect(!FileManager.default.fileExists(atPath: directory))

        let replayed = try Auditor(configuration: Configuration(checkPaths: [checks.path]))
            .run(replaying: try Transcript(bytes: transcriptBytes))
        #expect(recorded.report.findings.count >= 5)
        #expect(!recorded.report.findings.contains { $0.status == .error }, "\(recorded.report.findings.filter { $0.status == .error }.summary)")
        #expect(replayed.report.findings == recorded.report.findings)
        #expect(replayed.report.targets == recorded.report.targets)
        for password in ["ASSAY_STACK_POSTGRES_PASSWORD", "ASSAY_STACK_REDIS_PASSWORD"] {
            #expect(!String(decoding: transcriptBytes, as: UTF8.self).contains(try stack.value(password)), "\(password) in the transcript")
        }
    }
}
