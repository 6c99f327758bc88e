import AssayConnectors
import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// A check's wall limit covers what it waits for: its connector calls get what is left of its
/// time, and waiting for the target's other calls stops at its deadline too.
@Suite("Checks do not overrun their limit waiting for a hung target")
struct HostileWaitsTests {
    @Test func checksOfAHungTargetEndWithinTheirOwnLimit() throws {
        let silent = try SilentListener.tcp()
        defer { silent.stop() }
        var sources: [String: String] = ["files.lua": checkSource(id: "FILES-FINE", "ctx:pass { resource = 'x' }")]
        for i in 1...3 {
            sources["wait\(i).lua"] = checkSource(id: "WAIT-\(i)", needs: "redis", "ctx.target:info('server'); ctx:pass()")
        }
        let checks = try TemporaryFolder(sources)
        defer { checks.remove() }
        let files = try TemporaryFolder(["redis.conf": "port 1\n"])
        defer { files.remove() }
        var configuration = Configuration(
            targets: [
                TargetConfiguration(name: "silent", kind: .redis, location: "redis://127.0.0.1:\(silent.port)"),
                TargetConfiguration(name: "files", kind: .files, location: files.path),
            ],
            checkPaths: [checks.path], builtinChecks: false)
        // Each call alone could wait 6 s; each check may take 1 s in all.
        configuration.connectorOptions = ConnectorOptions(connectTimeout: .seconds(6), callTimeout: .seconds(6))
        configuration.limits.timeout = .seconds(1)
        let started = Deadline.now()
        let result = try Auditor(configuration: configuration).run()
        let elapsed = Deadline.now().nanoseconds - started.nanoseconds

        let findings = result.report.findings
        #expect(findings.filter { $0.target == "files" }.map(\.status) == [.pass])
        let waits = findings.filter { $0.target == "silent" }
        #expect(waits.count == 3)
        #expect(waits.allSatisfy { $0.status == .error }, "\(waits.summary)")
        // Three checks of one second on one connection: about three seconds (two workers, one
        // of which waits for the other's call), never the six seconds of a single call.
        #expect(elapsed < 4_500_000_000, "the run took \(elapsed / 1_000_000) ms")
    }
}
