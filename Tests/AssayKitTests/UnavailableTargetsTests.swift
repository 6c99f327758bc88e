import AssayConnectors
import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

@Suite("Unreachable and hung targets")
struct UnavailableTargetsTests {
    /// A loopback port nothing listens on.
    static func closedPort() -> Int {
        let listener = try! SilentListener.tcp()
        let port = listener.port
        listener.stop()
        return port
    }

    @Test func refusedAndSilentTargetsBecomeErrorsWhileOthersFinish() throws {
        let silent = try SilentListener.tcp()
        defer { silent.stop() }
        let checks = try TemporaryFolder([
            "redis.lua": checkSource(id: "LIVE-REDIS", needs: "redis", """
                local info = ctx.target:info("server")
                ctx:pass { message = "redis " .. tostring(info.server and info.server.redis_version) }
                """),
            "redis2.lua": checkSource(id: "LIVE-REDIS-TWO", needs: "redis", """
                ctx.target:config_get("maxmemory")
                ctx:pass()
                """),
            "files.lua": checkSource(id: "FILES-FINE", "ctx:pass { resource = 'x' }"),
        ])
        defer { checks.remove() }
        let files = try TemporaryFolder(["redis.conf": "port 1\n"])
        defer { files.remove() }
        var configuration = Configuration(
            targets: [
                TargetConfiguration(name: "refused", kind: .redis, location: "redis://127.0.0.1:\(Self.closedPort())"),
                TargetConfiguration(name: "silent", kind: .redis, location: "redis://127.0.0.1:\(silent.port)"),
                TargetConfiguration(name: "files", kind: .files, location: files.path),
            ],
            checkPaths: [checks.path], builtinChecks: false)
        configuration.connectorOptions = ConnectorOptions(connectTimeout: .milliseconds(500), callTimeout: .milliseconds(800))
        let result = try Auditor(configuration: configuration).run()
        let findings = result.report.findings

        #expect(findings.filter { $0.target == "files" }.map(\.status) == [.pass])
        for target in ["refused", "silent"] {
            let mine = findings.filter { $0.target == target }
            #expect(mine.count == 2, "\(target): \(mine.summary)")
            #expect(mine.allSatisfy { $0.status == .error }, "\(target): \(mine.summary)")
        }
        let silentMessages: [String] = findings.filter { $0.target == "silent" }.map { (finding: Finding) in finding.message }
        let mentionsTime = silentMessages.contains { (message: String) in
            ["timed out", "deadline", "timeout"].contains { message.contains($0) }
        }
        #expect(mentionsTime, "\(silentMessages)")
        // Whichever check asked first, every check of an unavailable target reads the same.
        for target in ["refused", "silent"] {
            #expect(Set(findings.filter { $0.target == target }.map(\.message)).count == 1, "\(target)")
        }
        // The hung target was asked once: after the first timeout it is not asked again.
        #expect(result.roundTrips["silent"] == 1)
        #expect(result.roundTrips["refused"] == 1)
        #expect(result.report.status(of: "refused") == .error)
    }
}
