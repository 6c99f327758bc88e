import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// Hostile configuration folders through the whole auditor: each bad file ends as an `error`
/// finding naming its cause, the healthy file beside them keeps exactly its findings, and the
/// run completes.
@Suite("Hostile files end as error findings; healthy files beside them are unchanged")
struct HostileFilesRunTests {
    static func corpus(_ name: String) throws -> String {
        let data = try Data(contentsOf: RepositoryPaths.root.appendingPathComponent("fuzz/corpus/" + name))
        return String(decoding: data, as: UTF8.self)
    }

    static let healthyRedis = "bind 127.0.0.1\nport 6379\nrequirepass Xq3vLr9TzW2pKd7Hs5Bn\nprotected-mode yes\n"

    @Test func hostileFilesDoNotChangeTheHealthyFindings() throws {
        let healthy = try TemporaryFolder(["redis.conf": Self.healthyRedis])
        defer { healthy.remove() }
        let deepDefault = String(repeating: "${A:-", count: 40_000) + "x" + String(repeating: "}", count: 40_000)
        var merges = "x-m0: &m0 {a: 1}\n"
        for level in 1...40 { merges += "x-m\(level): &m\(level) {<<: [*m\(level - 1), *m\(level - 1)]}\n" }
        merges += "services:\n  web:\n    <<: *m40\n    image: busybox\n"
        let hostile = try TemporaryFolder([
            "redis.conf": Self.healthyRedis,
            "port/docker-compose.yml": "services:\n  web:\n    image: busybox\n    ports:\n      - \"8\u{301}:80\"\n",
            "interpolation/docker-compose.yml": "services:\n  web:\n    image: \"\(deepDefault)\"\n",
            "merges/docker-compose.yml": merges,
            // Found by the fuzzer (fuzz/corpus): an alias as a mapping key (7 KiB, minutes in Yams),
            // continued blank lines (quadratic); both now read in linear time, to their error.
            "aliaskey/docker-compose.yml": try Self.corpus("files.compose/hang-alias-key.yml"),
            "hba/pg_hba.conf": try Self.corpus("files.hba/hang-continued-blank-lines.conf"),
        ])
        defer { hostile.remove() }
        #expect(mkfifo(hostile.path + "/pgbouncer.ini", 0o644) == 0)

        func run(_ folder: TemporaryFolder) throws -> Report {
            let configuration = Configuration(
                targets: [TargetConfiguration(name: "files", kind: .files, location: folder.path)])
            return try Auditor(configuration: configuration).run().report
        }
        let alone = try run(healthy)
        let beside = try run(hostile)
        func redisFindings(_ report: Report) -> [String] {
            report.findings.filter { $0.resource.hasPrefix("redis.conf") }
                .map { "\($0.checkID) \($0.status) \($0.resource) \($0.message)" }.sorted()
        }
        #expect(!redisFindings(alone).isEmpty)
        #expect(redisFindings(beside) == redisFindings(alone))

        let errors = beside.findings.filter { $0.status == .error }.map { "\($0.resource) \($0.message)" }
        for (file, cause) in [
            ("pgbouncer.ini", "not a regular file (fifo)"), ("port/docker-compose.yml", "ports:"),
            ("interpolation/docker-compose.yml", "nested more than"), ("merges/docker-compose.yml", "document too large"),
            ("aliaskey/docker-compose.yml", "document too large"),
            ("hba/pg_hba.conf", "hba/pg_hba.conf:4848: invalid connection type"),
        ] {
            #expect(errors.contains { $0.hasPrefix(file) && $0.contains(cause) }, "\(file): \(errors)")
        }
        #expect(beside.incomplete.isEmpty)
    }

    /// A 70-deep `x-` extension reaches a check whole (it once failed crossing into Lua).
    @Test func deepComposeDocumentsReachChecks() throws {
        var compose = "x-deep:\n"
        for level in 1...70 { compose += String(repeating: "  ", count: level) + "k:\n" }
        compose += String(repeating: "  ", count: 71) + "leaf: 1\nservices:\n  web:\n    image: busybox\n"
        let files = try TemporaryFolder(["docker-compose.yml": compose])
        defer { files.remove() }
        let checks = try TemporaryFolder([
            "deep.lua": checkSource(
                id: "DEEP",
                """
                local document = ctx.target:configs("compose")[1]
                local node, depth = document.data["x-deep"], 0
                while type(node) == "table" and node.k ~= nil do node, depth = node.k, depth + 1 end
                ctx:pass { resource = document.path, message = "depth " .. depth .. ", leaf " .. tostring(node.leaf) }
                """)
        ])
        defer { checks.remove() }
        let configuration = Configuration(
            targets: [TargetConfiguration(name: "files", kind: .files, location: files.path)],
            checkPaths: [checks.path], builtinChecks: false)
        let report = try Auditor(configuration: configuration).run().report
        #expect(report.findings.map(\.message) == ["depth 70, leaf 1"])
    }
}
