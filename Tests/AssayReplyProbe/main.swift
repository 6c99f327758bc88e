// assay-reply-probe: measures what hostile Redis and Docker peers cost a connector, in a child
// process of its own so that the peak memory is the connector's alone.
//
//   assay-reply-probe measure [--deadline-ms N] [CASE…]   every case (or the named ones): a fake
//                                                          server here, the call in a child; prints
//                                                          outcome, milliseconds and peak RSS
//   assay-reply-probe run-assay ASSAY [CASE]               `ASSAY run` against the fake server of one case
//                                                          (default docker-10000-containers): wall time,
//                                                          max RSS, findings by status
//   assay-reply-probe serve CASE                          the fake server of one case, until killed;
//                                                          prints its URL (for `assay run` by hand)
//   assay-reply-probe call redis|docker URL OPERATION [ARGUMENT…] [--deadline-ms N] [--times N]
//                                                          [--rlimit-mb N]
//                                                          one line per call, then `peak_rss_kb N`
import AssayConnectors
import AssayCore
import AssayTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

// MARK: - The child: calls and reports

/// Peak resident memory of this process (VmHWM), in KiB.
func peakResidentKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }
    return -1
}

/// How many JSON values a result holds.
func valueCount(_ value: JSONValue) -> Int {
    switch value {
    case .array(let items): return 1 + items.reduce(0) { $0 + valueCount($1) }
    case .object(let members): return 1 + members.values.reduce(0) { $0 + valueCount($1) }
    default: return 1
    }
}

func option(_ name: String, in arguments: inout [String]) -> Int? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    let value = Int(arguments[i + 1])
    arguments.removeSubrange(i...(i + 1))
    return value
}

func runCalls(_ arguments: [String]) -> Int32 {
    var arguments = arguments
    let deadlineMS = option("--deadline-ms", in: &arguments) ?? 10_000
    let times = option("--times", in: &arguments) ?? 1
    if let megabytes = option("--rlimit-mb", in: &arguments) {
        // A guard for measuring code that grows without end: the child fails, the machine does not.
        var limit = rlimit(rlim_cur: rlim_t(megabytes) << 20, rlim_max: rlim_t(megabytes) << 20)
        setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
    }
    guard arguments.count >= 3 else {
        FileHandle.standardError.write(Data("usage: assay-reply-probe call redis|docker URL OPERATION [ARGUMENT…]\n".utf8))
        return 2
    }
    let options = ConnectorOptions(callTimeout: .milliseconds(deadlineMS))
    let connector: any Connector =
        arguments[0] == "redis"
        ? RedisConnector(url: arguments[1], options: options) : DockerConnector(url: arguments[1], options: options)
    let callArguments = arguments.dropFirst(3).map { JSONValue.string($0) }
    let started = Deadline.monotonicNanoseconds()
    for _ in 0..<times {
        let start = Deadline.monotonicNanoseconds()
        var line: String
        do {
            let value = try connector.call(arguments[2], callArguments, deadline: .after(.milliseconds(deadlineMS)))
            line = "ok values=\(valueCount(value))"
        } catch {
            line = "\(error.kind.rawValue) \(error.message.prefix(160))"
        }
        let ms = (Deadline.monotonicNanoseconds() - start) / 1_000_000
        print("call \(ms) \(line)")
    }
    print("total_ms \((Deadline.monotonicNanoseconds() - started) / 1_000_000)")
    print("peak_rss_kb \(peakResidentKiB())")
    connector.close()
    return 0
}

// MARK: - The parent: fake servers and children

struct Case {
    let name: String
    let kind: String  // redis | docker
    let operation: [String]
    let times: Int
    let start: () throws -> (url: String, stop: () -> Void)

    static func redis(_ name: String, _ behaviour: FakeRedisServer.Behaviour, _ operation: [String] = ["info"], times: Int = 1)
        -> Case
    {
        Case(name: name, kind: "redis", operation: operation, times: times) {
            let fake = try FakeRedisServer(behaviour)
            return (fake.url, fake.stop)
        }
    }

    static func docker(_ name: String, _ behaviour: FakeDockerServer.Behaviour, _ operation: [String] = ["containers"])
        -> Case
    {
        Case(name: name, kind: "docker", operation: operation, times: 1) {
            let fake = try FakeDockerServer(behaviour)
            return (fake.url, fake.stop)
        }
    }
}

let cases: [Case] = [
    .redis("redis-huge-bulk-length", .hugeBulkLength),
    .redis("redis-negative-bulk-length", .negativeBulkLength),
    .redis("redis-negative-array-length", .negativeArrayLength),
    .redis("redis-huge-array-length", .hugeArrayLength),
    .redis("redis-endless-bulk", .endlessBulk),
    .redis("redis-endless-line", .endlessLine),
    .redis("redis-endless-error", .endlessError),
    .redis("redis-deep-nesting", .deepNesting(levels: 100_000)),
    .redis("redis-drip", .drip(every: .milliseconds(100))),
    .redis("redis-garbage", .garbage),
    .redis("redis-close-mid-reply", .closeMidReply),
    .redis("redis-close-at-once", .closeAtOnce),
    .redis("redis-wrong-type", .wrongType),
    .redis("redis-extra-reply", .extraReply, ["config_get", "maxmemory"], times: 2),
    .redis("redis-error-flood-6x20MB", .errorFlood(bytes: 20_000_000), ["command", "INFO"], times: 6),
    .redis("redis-array-1M-elements", .array(count: 1_000_000), ["command", "INFO"]),
    .redis("redis-bulk-16MB", .bulk(bytes: 16_000_000), ["command", "INFO"]),
    .docker("docker-chunk-size-7fffffffffffffff", .chunkSizeOverflow),
    .docker("docker-huge-content-length", .hugeContentLength),
    .docker("docker-endless-chunked", .endlessChunked),
    .docker("docker-endless-body", .endlessBody),
    .docker("docker-endless-header", .endlessHeader),
    .docker("docker-endless-headers", .endlessHeaders),
    .docker("docker-drip", .drip(every: .milliseconds(100))),
    .docker("docker-garbage", .garbage),
    .docker("docker-close-mid-body", .closeMidBody),
    .docker("docker-close-without-answer", .closeWithoutAnswer),
    .docker("docker-close-at-once", .closeAtOnce),
    .docker("docker-malformed-json", .malformedJSON),
    .docker("docker-deep-json", .deepJSON(levels: 100_000)),
    .docker("docker-2M-values", .manyValues(count: 2_000_000)),
    .docker("docker-redirect", .redirect),
    .docker("docker-10000-containers", .containers(count: 10_000)),
]

@MainActor func serve(_ arguments: [String]) -> Int32 {
    guard let name = arguments.first, let item = cases.first(where: { $0.name == name }) else {
        print("cases: " + cases.map(\.name).joined(separator: " "))
        return 2
    }
    do {
        let (url, _) = try item.start()
        print(url)
        fflush(nil)
        while true { sleep(3600) }
    } catch {
        print("could not start: \(error)")
        return 1
    }
}

/// Runs `path arguments` to its end; its exit status, max RSS (KiB) and wall milliseconds.
func spawnAndWait(_ path: String, _ arguments: [String]) -> (status: Int32, maxRSSKiB: Int, milliseconds: UInt64) {
    let started = Deadline.monotonicNanoseconds()
    var pid: pid_t = 0
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return (-1, -1, 0) }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
    let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -(status & 0x7f)
    return (exit, usage.ru_maxrss, (Deadline.monotonicNanoseconds() - started) / 1_000_000)
}

@MainActor func runAssay(_ arguments: [String]) -> Int32 {
    guard let assay = arguments.first else {
        print("usage: assay-reply-probe run-assay ASSAY [CASE]")
        return 2
    }
    let name = arguments.count > 1 ? arguments[1] : "docker-10000-containers"
    guard let item = cases.first(where: { $0.name == name }) else {
        print("cases: " + cases.map(\.name).joined(separator: " "))
        return 2
    }
    do {
        let (url, stop) = try item.start()
        defer { stop() }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("assay-reply-probe-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let (status, rss, ms) = spawnAndWait(assay, ["run", "--\(item.kind)", url, "--out", out, "--quiet"])
        var counts: [String: Int] = [:]
        if let data = FileManager.default.contents(atPath: out + "/report.json"),
            let report = try? JSONParser.parse(Array(data))
        {
            for finding in report["findings"]?.arrayValue ?? [] {
                counts[finding["status"]?.stringValue ?? "?", default: 0] += 1
            }
        }
        let findings = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("assay run --\(item.kind) <\(name)>: exit \(status), \(ms) ms, max RSS \(String(format: "%.1f", Double(rss) / 1024)) MiB; findings: \(findings)")
        return 0
    } catch {
        print("could not start: \(error)")
        return 1
    }
}

@MainActor func measure(_ arguments: [String]) -> Int32 {
    var arguments = arguments
    let deadlineMS = option("--deadline-ms", in: &arguments) ?? 10_000
    let rlimitMB = option("--rlimit-mb", in: &arguments)
    let selected = arguments.isEmpty ? cases : cases.filter { arguments.contains($0.name) }
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).path
    print("deadline \(deadlineMS) ms per call; peak RSS of the child process that makes the call(s)")
    print("case".padding(toLength: 38, withPad: " ", startingAt: 0) + "calls  total_ms  peak_rss_mb  outcome")
    for item in selected {
        do {
            let (url, stop) = try item.start()
            defer { stop() }
            var childArguments = ["call", item.kind, url] + item.operation
            childArguments += ["--deadline-ms", String(deadlineMS), "--times", String(item.times)]
            if let rlimitMB { childArguments += ["--rlimit-mb", String(rlimitMB)] }
            let result = try Program.run(me, childArguments)
            let lines = result.stdout.split(separator: "\n")
            let peak = lines.first { $0.hasPrefix("peak_rss_kb ") }.flatMap { Int($0.split(separator: " ")[1]) }
            let total = lines.first { $0.hasPrefix("total_ms ") }.map { String($0.split(separator: " ")[1]) } ?? "-"
            let outcomes = lines.filter { $0.hasPrefix("call ") }.map { $0.split(separator: " ", maxSplits: 2)[2] }
            let outcome =
                result.status == 0
                ? (Set(outcomes).count == 1 ? String(outcomes[0]) : outcomes.joined(separator: " | "))
                : "child died (status \(result.status)): \(result.stderr.suffix(120))"
            let peakText = peak.map { String(format: "%.1f", Double($0) / 1024) } ?? "-"
            print(
                item.name.padding(toLength: 38, withPad: " ", startingAt: 0)
                    + String(item.times).padding(toLength: 7, withPad: " ", startingAt: 0)
                    + total.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + peakText.padding(toLength: 13, withPad: " ", startingAt: 0)
                    + outcome.prefix(110).replacingOccurrences(of: "\n", with: " "))
        } catch {
            print("\(item.name): could not start: \(error)")
        }
    }
    return 0
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "run-assay": exit(runAssay(Array(arguments.dropFirst())))
case "serve":
    signal(SIGPIPE, SIG_IGN)
    exit(serve(Array(arguments.dropFirst())))
case "call": exit(runCalls(Array(arguments.dropFirst())))
case "measure":
    signal(SIGPIPE, SIG_IGN)  // the fake servers write to clients that went away
    exit(measure(Array(arguments.dropFirst())))
default:
    FileHandle.standardError.write(Data("usage: assay-reply-probe measure [CASE…] | call redis|docker URL OPERATION …\n".utf8))
    exit(2)
}
