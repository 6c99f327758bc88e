import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built-in Redis checks (`checks/redis`), each on a server that fails it and one that passes.
///
/// The stack's Redis (password, protected mode, maxmemory 0) gives some cases; states that must not
/// be imposed on the shared server (no password, protected mode off, CONFIG renamed, evictions…)
/// come from a redis-server of the test's own, started on a free loopback port and killed at the end.
@Suite("Redis checks") struct RedisChecksTests {
    // MARK: - Security

    @Test func noPassword() throws {
        let stack = try CheckHarness.run(["REDIS-NO-PASSWORD"], targets: [CheckHarness.stackTarget(.redis)])
        #expect(stack.graded == ["REDIS-NO-PASSWORD pass high user/default"])

        let loopback = try RedisTestServer()
        defer { loopback.stop() }
        let local = try CheckHarness.run(["REDIS-NO-PASSWORD"], targets: [loopback.target])
        #expect(local.graded == ["REDIS-NO-PASSWORD fail high user/default"])

        let exposed = try RedisTestServer(RedisTestServer.exposed)
        defer { exposed.stop() }
        let open = try CheckHarness.run(["REDIS-NO-PASSWORD"], targets: [exposed.target])
        #expect(open.graded == ["REDIS-NO-PASSWORD fail critical user/default"])
        #expect(open.first?.message.contains("protected-mode is off") == true)
    }

    @Test func protectedMode() throws {
        let stack = try CheckHarness.run(["REDIS-PROTECTED-MODE"], targets: [CheckHarness.stackTarget(.redis)])
        #expect(stack.graded == ["REDIS-PROTECTED-MODE pass high setting/protected-mode"])

        let exposed = try RedisTestServer(RedisTestServer.exposed)
        defer { exposed.stop() }
        let open = try CheckHarness.run(["REDIS-PROTECTED-MODE"], targets: [exposed.target])
        #expect(open.graded == ["REDIS-PROTECTED-MODE fail high setting/protected-mode"])

        // Off, but listening on loopback only: still a finding, a low one.
        let loopback = try RedisTestServer(["protected-mode no"])
        defer { loopback.stop() }
        let local = try CheckHarness.run(["REDIS-PROTECTED-MODE"], targets: [loopback.target])
        #expect(local.graded == ["REDIS-PROTECTED-MODE fail low setting/protected-mode"])
    }

    @Test func bind() throws {
        let stack = try CheckHarness.run(["REDIS-BIND"], targets: [CheckHarness.stackTarget(.redis)])
        #expect(stack.graded == ["REDIS-BIND pass medium setting/bind"])

        // Claims a public (documentation) address it cannot bind; `-` makes Redis skip it.
        let exposed = try RedisTestServer(RedisTestServer.exposed)
        defer { exposed.stop() }
        let open = try CheckHarness.run(["REDIS-BIND"], targets: [exposed.target])
        #expect(open.graded == ["REDIS-BIND fail medium setting/bind"])
        #expect(open.first?.message == "bind includes public addresses: -203.0.113.7")
    }

    @Test func dangerousCommands() throws {
        let stack = try CheckHarness.run(["REDIS-DANGEROUS-COMMANDS"], targets: [CheckHarness.stackTarget(.redis)])
        #expect(stack.graded == ["REDIS-DANGEROUS-COMMANDS fail medium user/default"])
        #expect(stack.first?.message == "the default user can run FLUSHALL, FLUSHDB, CONFIG SET")

        let exposed = try RedisTestServer(RedisTestServer.exposed)
        defer { exposed.stop() }
        let open = try CheckHarness.run(["REDIS-DANGEROUS-COMMANDS"], targets: [exposed.target])
        #expect(open.first?.message == "the default user can run FLUSHALL, FLUSHDB, CONFIG SET, DEBUG")

        // The default user lost @dangerous; Assay reads as a user of its own.
        let hardened = try RedisTestServer(RedisTestServer.hardened, user: "auditor", password: "audit-only-secret")
        defer { hardened.stop() }
        let closed = try CheckHarness.run(["REDIS-DANGEROUS-COMMANDS", "REDIS-NO-PASSWORD"], targets: [hardened.target])
        #expect(closed.graded.sorted() == ["REDIS-DANGEROUS-COMMANDS pass medium user/default", "REDIS-NO-PASSWORD pass high user/default"])
    }

    /// CONFIG renamed away: every check that needs it says so (skip), none passes, none crashes.
    @Test func configRenamed() throws {
        let server = try RedisTestServer(
            ["rename-command CONFIG \"\"", "rename-command FLUSHALL \"\"", "rename-command FLUSHDB \"\"",
             "requirepass renamed-config-secret"],
            password: "renamed-config-secret")
        defer { server.stop() }
        let ids = ["REDIS-PROTECTED-MODE", "REDIS-BIND", "REDIS-TCP-KEEPALIVE", "REDIS-DANGEROUS-COMMANDS", "REDIS-NO-PERSISTENCE",
                   "REDIS-NO-PASSWORD"]
        let findings = try CheckHarness.run(ids, targets: [server.target], inputs: ["must_persist": .bool(true)])
        #expect(findings.graded.sorted() == [
            "REDIS-BIND skip medium setting/bind",
            "REDIS-DANGEROUS-COMMANDS skip medium user/default",
            "REDIS-NO-PASSWORD pass high user/default",  // read through ACL LIST, which still works
            "REDIS-NO-PERSISTENCE skip medium setting/save",
            "REDIS-PROTECTED-MODE skip high setting/protected-mode",
            "REDIS-TCP-KEEPALIVE skip low setting/tcp-keepalive",
        ])
        let bind = findings.first { $0.checkID == "REDIS-BIND" }
        #expect(bind?.message.contains("CONFIG is disabled or renamed on this server") == true)
        let dangerous = findings.first { $0.checkID == "REDIS-DANGEROUS-COMMANDS" }
        #expect(dangerous?.message == "cannot tell whether the default user can run DEBUG")
        #expect(dangerous?.evidence["FLUSHALL"] == .string("renamed or removed"))
        #expect(!findings.contains { $0.message.contains("renamed-config-secret") })
    }

    // MARK: - Capacity

    @Test func memoryCap() throws {
        let stack = try CheckHarness.run(["REDIS-MEMORY-CAP"], targets: [CheckHarness.stackTarget(.redis)])
        #expect(stack.graded == ["REDIS-MEMORY-CAP fail medium setting/maxmemory"])
        #expect(stack.first?.message.hasPrefix("maxmemory 0: no memory limit") == true)

        // maxmemory 1 MB with noeviction, and keys written past it (DEBUG POPULATE ignores the cap).
        let full = try RedisTestServer(["maxmemory 1mb", "maxmemory-policy noeviction", "enable-debug-command yes"])
        defer { full.stop() }
        try full.cli("DEBUG", "POPULATE", "20000", "k", "100")
        let high = try CheckHarness.run(["REDIS-MEMORY-CAP"], targets: [full.target])
        #expect(high.graded == ["REDIS-MEMORY-CAP fail high setting/maxmemory"])
        #expect(high.first?.message.hasSuffix("policy noeviction will refuse writes") == true)

        let capped = try RedisTestServer(["maxmemory 100mb"])
        defer { capped.stop() }
        let roomy = try CheckHarness.run(["REDIS-MEMORY-CAP"], targets: [capped.target])
        #expect(roomy.graded == ["REDIS-MEMORY-CAP pass medium setting/maxmemory"])
    }

    @Test func evictions() throws {
        let full = try RedisTestServer.evicting()
        defer { full.stop() }
        let evicted = try CheckHarness.run(["REDIS-EVICTIONS"], targets: [full.target])
        #expect(evicted.graded == ["REDIS-EVICTIONS fail low info/evicted_keys"])

        let stack = try CheckHarness.run(["REDIS-EVICTIONS"], targets: [CheckHarness.stackTarget(.redis)])
        #expect(stack.graded == ["REDIS-EVICTIONS pass low info/evicted_keys"])
    }

    @Test func fragmentation() throws {
        // 300 000 keys, then three in four deleted: the allocator keeps the pages.
        let fragmented = try RedisTestServer.fragmented()
        defer { fragmented.stop() }
        let bad = try CheckHarness.run(["REDIS-FRAGMENTATION"], targets: [fragmented.target])
        #expect(bad.graded == ["REDIS-FRAGMENTATION fail low info/mem_fragmentation_ratio"])

        let populated = try RedisTestServer.populated()
        defer { populated.stop() }
        let good = try CheckHarness.run(["REDIS-FRAGMENTATION"], targets: [populated.target])
        #expect(good.graded == ["REDIS-FRAGMENTATION pass low info/mem_fragmentation_ratio"])

        // The stack holds almost nothing: its high ratio is the process's baseline, not fragmentation.
        let stack = try CheckHarness.run(["REDIS-FRAGMENTATION"], targets: [CheckHarness.stackTarget(.redis)])
        #expect(stack.graded == ["REDIS-FRAGMENTATION pass low info/mem_fragmentation_ratio"])
        #expect(stack.first?.message.contains("too little") == true)

        // The swap branch: with the inputs moved, a ratio below swap_ratio is a high finding.
        let swapped = try CheckHarness.run(
            ["REDIS-FRAGMENTATION"], targets: [populated.target], inputs: ["swap_ratio": .int(100), "min_used_mb": .int(0)])
        #expect(swapped.graded == ["REDIS-FRAGMENTATION fail high info/mem_fragmentation_ratio"])
        #expect(swapped.first?.message.contains("swapped out") == true)
    }

    @Test func clients() throws {
        let server = try RedisTestServer(["maxclients 3"])
        defer { server.stop() }
        // Three clients fill it, a fourth is rejected; one leaves, so Assay gets the last slot.
        var held = try (0..<3).map { _ in try server.connect() }
        let rejected = try server.connect()
        defer { held.forEach { close($0) } }
        // No slot is left for redis-cli: ask on a connection the test holds.
        try server.waitUntil("a rejected connection") {
            RedisTestServer.field("rejected_connections", in: try server.infoFromHeld(held[0], "stats")) == 1
        }
        close(rejected)
        close(held.removeLast())
        try server.waitUntil("a free slot") { RedisTestServer.field("connected_clients", in: try server.infoFromHeld(held[0], "clients")) == 2 }
        let full = try CheckHarness.run(["REDIS-CLIENTS"], targets: [server.target])
        #expect(full.graded == ["REDIS-CLIENTS fail medium setting/maxclients"])
        #expect(full.first?.message == "3 of maxclients 3 connected (100%, threshold 80%); 1 connections rejected since the start (maxclients reached)")

        let stack = try CheckHarness.run(["REDIS-CLIENTS"], targets: [CheckHarness.stackTarget(.redis)])
        #expect(stack.graded == ["REDIS-CLIENTS pass medium setting/maxclients"])
    }

    // MARK: - Resilience

    @Test func persistenceErrors() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("assay-rdchecks-rdb-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let server = try RedisTestServer(["dir \(data.path)"])
        defer { server.stop() }
        // The folder vanishes under the server: the next background save cannot write its file.
        try FileManager.default.removeItem(at: data)
        try server.cli("BGSAVE")
        try server.waitUntil("a failed BGSAVE") { try server.info("persistence").contains("rdb_last_bgsave_status:err") }
        let failed = try CheckHarness.run(["REDIS-PERSISTENCE-ERRORS"], targets: [server.target])
        #expect(failed.graded == ["REDIS-PERSISTENCE-ERRORS fail high info/persistence"])
        #expect(failed.first?.message.hasPrefix("rdb_last_bgsave_status = err") == true)

        let stack = try CheckHarness.run(["REDIS-PERSISTENCE-ERRORS"], targets: [CheckHarness.stackTarget(.redis)])
        #expect(stack.graded == ["REDIS-PERSISTENCE-ERRORS pass high info/persistence"])
    }

    @Test func noPersistence() throws {
        let cache = try RedisTestServer()  // save "" and appendonly no
        defer { cache.stop() }
        let store = try CheckHarness.run(["REDIS-NO-PERSISTENCE"], targets: [cache.target], inputs: ["must_persist": .bool(true)])
        #expect(store.graded == ["REDIS-NO-PERSISTENCE fail medium setting/save"])
        // By default a server is taken for a cache: not applicable, and said so.
        let asCache = try CheckHarness.run(["REDIS-NO-PERSISTENCE"], targets: [cache.target])
        #expect(asCache.graded == ["REDIS-NO-PERSISTENCE skip medium setting/save"])

        let stack = try CheckHarness.run(
            ["REDIS-NO-PERSISTENCE"], targets: [CheckHarness.stackTarget(.redis)], inputs: ["must_persist": .bool(true)])
        #expect(stack.graded == ["REDIS-NO-PERSISTENCE pass medium setting/save"])
    }

    @Test func replicationLink() throws {
        let nowhere = try freeLoopbackPort()
        let orphan = try RedisTestServer(["replicaof 127.0.0.1 \(nowhere)"])
        defer { orphan.stop() }
        let down = try CheckHarness.run(["REDIS-REPLICATION-LINK"], targets: [orphan.target])
        #expect(down.graded == ["REDIS-REPLICATION-LINK fail high replication"])
        #expect(down.first?.message.hasPrefix("the link to primary 127.0.0.1:\(nowhere) is down") == true)

        // No 5 s wait for more replicas before the first sync (Redis 7's diskless default), which
        // raced the 5 s this test waits for the link.
        let primary = try RedisTestServer(["repl-diskless-sync-delay 0"])
        defer { primary.stop() }
        let replica = try RedisTestServer(["replicaof 127.0.0.1 \(primary.port)"])
        defer { replica.stop() }
        try replica.waitUntil("the replication link") { try replica.info("replication").contains("master_link_status:up") }
        let up = try CheckHarness.run(["REDIS-REPLICATION-LINK"], targets: [replica.target])
        #expect(up.graded == ["REDIS-REPLICATION-LINK pass high replication"])

        let stack = try CheckHarness.run(["REDIS-REPLICATION-LINK"], targets: [CheckHarness.stackTarget(.redis)])
        #expect(stack.graded == ["REDIS-REPLICATION-LINK skip high replication"])
    }

    // MARK: - Availability and observability

    @Test func tcpKeepalive() throws {
        let stack = try CheckHarness.run(["REDIS-TCP-KEEPALIVE"], targets: [CheckHarness.stackTarget(.redis)])
        #expect(stack.graded == ["REDIS-TCP-KEEPALIVE pass low setting/tcp-keepalive"])

        let exposed = try RedisTestServer(RedisTestServer.exposed)
        defer { exposed.stop() }
        let off = try CheckHarness.run(["REDIS-TCP-KEEPALIVE"], targets: [exposed.target])
        #expect(off.graded == ["REDIS-TCP-KEEPALIVE fail low setting/tcp-keepalive"])
    }

    @Test func latencyDoctor() throws {
        let slow = try RedisTestServer(["enable-debug-command yes", "latency-monitor-threshold 1"])
        defer { slow.stop() }
        try slow.cli("DEBUG", "SLEEP", "0.05")
        let spikes = try CheckHarness.run(["REDIS-LATENCY-DOCTOR"], targets: [slow.target])
        #expect(spikes.graded == ["REDIS-LATENCY-DOCTOR fail low latency"])
        #expect(spikes.first?.message.hasPrefix("latency spikes observed: 1. command:") == true)

        let quiet = try RedisTestServer(["latency-monitor-threshold 500"])
        defer { quiet.stop() }
        let calm = try CheckHarness.run(["REDIS-LATENCY-DOCTOR"], targets: [quiet.target])
        #expect(calm.graded == ["REDIS-LATENCY-DOCTOR pass low latency"])

        // Monitoring off (the stack): nothing to diagnose, which is not a pass.
        let stack = try CheckHarness.run(["REDIS-LATENCY-DOCTOR"], targets: [CheckHarness.stackTarget(.redis)])
        #expect(stack.graded == ["REDIS-LATENCY-DOCTOR skip low latency"])
    }

    @Test func memoryDoctor() throws {
        let fragmented = try RedisTestServer.fragmented()
        defer { fragmented.stop() }
        let issues = try CheckHarness.run(["REDIS-MEMORY-DOCTOR"], targets: [fragmented.target])
        #expect(issues.graded == ["REDIS-MEMORY-DOCTOR fail low memory"])
        #expect(issues.first?.message.contains("Peak memory") == true)

        let populated = try RedisTestServer.populated()
        defer { populated.stop() }
        let healthy = try CheckHarness.run(["REDIS-MEMORY-DOCTOR"], targets: [populated.target])
        #expect(healthy.graded == ["REDIS-MEMORY-DOCTOR pass low memory"])

        let stack = try CheckHarness.run(["REDIS-MEMORY-DOCTOR"], targets: [CheckHarness.stackTarget(.redis)])
        #expect(stack.graded == ["REDIS-MEMORY-DOCTOR skip low memory"])
    }

    @Test func slowlog() throws {
        let slow = try RedisTestServer(["enable-debug-command yes"])
        defer { slow.stop() }
        try slow.cli("DEBUG", "SLEEP", "0.05")
        let entries = try CheckHarness.run(["REDIS-SLOWLOG"], targets: [slow.target])
        #expect(entries.graded == ["REDIS-SLOWLOG fail low slowlog"])
        #expect(entries.first?.evidence["worst_command"] == .string("DEBUG"))

        let exposed = try RedisTestServer(RedisTestServer.exposed)  // slowlog-log-slower-than -1
        defer { exposed.stop() }
        let off = try CheckHarness.run(["REDIS-SLOWLOG"], targets: [exposed.target])
        #expect(off.graded == ["REDIS-SLOWLOG fail low slowlog"])
        #expect(off.first?.message.hasPrefix("the slow log is off") == true)

        let fresh = try RedisTestServer()
        defer { fresh.stop() }
        let clean = try CheckHarness.run(["REDIS-SLOWLOG"], targets: [fresh.target])
        #expect(clean.graded == ["REDIS-SLOWLOG pass low slowlog"])
    }

    // MARK: - One round trip per distinct question

    /// Ten checks that each ask CONFIG GET maxmemory cost the server one CONFIG GET.
    @Test func tenChecksOneRoundTrip() throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assay-rdchecks-rt-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for i in 1...10 {
            let id = String(format: "RT-MAXMEMORY-%02d", i)
            let source = """
                return assay.check {
                  id = "\(id)", title = "asks maxmemory", severity = "info", category = "capacity", needs = { "redis" },
                  run = function(ctx)
                    local cfg = ctx.target:config_get("maxmemory")
                    ctx:pass { resource = "setting/maxmemory", message = "maxmemory " .. cfg.maxmemory }
                  end,
                }
                """
            try source.write(to: folder.appendingPathComponent("\(id).lua"), atomically: true, encoding: .utf8)
        }
        try server.cli("CONFIG", "RESETSTAT")
        let findings = try CheckHarness.run([], targets: [server.target]) {
            $0.checkPaths = [folder.path]
            $0.builtinChecks = false
        }
        #expect(findings.count == 10)
        #expect(findings.allSatisfy { $0.status == .pass && $0.message == "maxmemory 0" })
        let stats = try server.info("commandstats")
        let line = stats.split(whereSeparator: \.isNewline).first { $0.hasPrefix("cmdstat_config|get:") }
        #expect(line?.hasPrefix("cmdstat_config|get:calls=1,") == true, "INFO commandstats: \(stats)")
    }
}

// MARK: - Helpers

extension Array where Element == Finding {
    /// `CHECK status severity resource` lines.
    fileprivate var graded: [String] { map { "\($0.checkID) \($0.status.rawValue) \($0.severity.rawValue) \($0.resource)" } }
}

/// What the Redis check tests need of a server of their own (``RedisTestServer``, from test
/// support): presets, the server as a target, INFO fields, states to wait for, held connections.
fileprivate extension RedisTestServer {
    /// No password, protected mode off, "bound" to a public address too (one Redis cannot bind, so
    /// it skips it: the server really listens on loopback only), DEBUG on, no keepalive, no slow log.
    static let exposed = [
        "bind 127.0.0.1 -203.0.113.7", "protected-mode no", "enable-debug-command yes", "tcp-keepalive 0",
        "slowlog-log-slower-than -1",
    ]

    /// The default user has a password and no @dangerous command; Assay reads as `auditor`.
    static let hardened = [
        "user default on >app-only-secret ~* &* +@all -@dangerous", "user auditor on >audit-only-secret ~* &* +@all",
    ]

    /// The server as an Assay target, logged in as the user it was started with.
    var target: TargetConfiguration {
        let credentials = user.map { "\($0):\(password ?? "")@" } ?? password.map { ":\($0)@" } ?? ""
        return TargetConfiguration(name: "own-redis", kind: .redis, location: "redis://\(credentials)127.0.0.1:\(port)")
    }

    /// maxmemory 2 MB, filled far beyond it: keys evicted.
    static func evicting() throws -> RedisTestServer {
        let server = try RedisTestServer(["maxmemory 2mb", "maxmemory-policy allkeys-random", "enable-debug-command yes"])
        try server.cli("DEBUG", "POPULATE", "50000", "k", "100")
        try server.cli("PING")  // the next command evicts
        try server.waitUntil("keys evicted") { (RedisTestServer.field("evicted_keys", in: try server.info("stats")) ?? 0) > 0 }
        return server
    }

    /// 300 000 keys of 100 bytes (about 55 MB): enough data for the ratios to mean something.
    static func populated() throws -> RedisTestServer {
        let server = try RedisTestServer(["enable-debug-command yes"])
        try server.cli("DEBUG", "POPULATE", "300000", "k", "100")
        return server
    }

    /// `populated()`, then three keys in four deleted: a past peak and pages the allocator keeps.
    static func fragmented() throws -> RedisTestServer {
        let server = try populated()
        try server.cli("EVAL", "for i = 0, 299999 do if i % 4 ~= 0 then redis.call('DEL', 'k:' .. i) end end", "0")
        return server
    }

    /// An integer field of INFO text (`evicted_keys:12`).
    static func field(_ name: String, in info: String) -> Int? {
        for line in info.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) where line.hasPrefix(name + ":") {
            return Int(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return nil
    }

    func info(_ section: String) throws -> String { try cli("INFO", section) }

    /// INFO read on a connection the test already holds (when no slot is left for redis-cli).
    func infoFromHeld(_ fd: Int32, _ section: String) throws -> String {
        let command = "*2\r\n$4\r\nINFO\r\n$\(section.utf8.count)\r\n\(section)\r\n"
        _ = command.withCString { write(fd, $0, strlen($0)) }
        var buffer = [UInt8](repeating: 0, count: 16384)
        let n = read(fd, &buffer, buffer.count)
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
    }

    /// Polls `condition` until it holds (5 s at most).
    func waitUntil(_ what: String, _ condition: () throws -> Bool) throws {
        let started = Date()
        while Date().timeIntervalSince(started) < 5 {
            if try condition() { return }
            usleep(50_000)
        }
        throw TestFailure("redis on \(port): timed out waiting for \(what)")
    }

    /// A plain TCP connection to the server, held open by the caller (close it with `close`).
    func connect() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw TestFailure("connect to \(port) failed")
        }
        usleep(50_000)  // let the server accept it before the next one
        return fd
    }
}
