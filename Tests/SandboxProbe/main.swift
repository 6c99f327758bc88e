// A test-support command for the Lua sandbox: measures what a check run costs, and runs one check
// file so that a test can watch the host process from outside (peak RSS, wall time).
//
//   swift run -c release SandboxProbe bench [runs]     µs of CPU and wall time per check run
//   SandboxProbe run FILE [key=value…]                 runs FILE's check once; prints each finding
//                                                      (status, tab, message cut at 200 bytes), then
//                                                      `wall_ms=…` and `peak_rss_kib=…`
// Keys of `run` are SandboxLimits fields: memory_mb, instructions, timeout_ms, findings, findings_kb,
// log_kb, calls, call_arguments_kb, results_mb. Its connector answers `configs` as `bench` does,
// and `blob n` with a string of n bytes.
import AssayConnectors
import AssayCore
import AssayLua
import Foundation

/// Answers `configs` with a small parsed document, as a files target would, and `blob n` with n bytes.
struct ProbeEnvironment: CheckEnvironment {
    func call(target: String, operation: String, arguments: [JSONValue], deadline: Deadline) -> HostCallResult {
        if operation == "blob", let n = arguments.first?.intValue.map(Int.init) {
            return .success(.string(String(repeating: "x", count: max(0, min(n, 64 << 20)))), problems: [])
        }
        let document: JSONValue = ["path": "redis.conf", "kind": "redis", "data": ["settings": ["bind": "127.0.0.1", "port": "6379"]]]
        return .success([document], problems: [])
    }
    func input(check: String, name: String) -> JSONValue? { nil }
    func targets(kind: TargetKind) -> [TargetInfo] { [] }
    /// A files target's methods, and `query` and `blob` for the limits the probe measures.
    var handles: [TargetKind: HandleSpec] {
        ["probe": HandleSpec(TargetKindRegistry.builtin.handles[.files]!.methods + [
            HandleMethod("query", parameters: [HandleParameter("sql", .string), HandleParameter("params", .scalar, variadic: true)], summary: "A query."),
            HandleMethod("blob", parameters: [HandleParameter("bytes", .integer)], summary: "A string of that many bytes."),
        ])]
    }
    func log(check: String, target: String, message: String) {}
}

let target = TargetInfo(name: "probe", kind: "probe", address: "file:///probe")

/// A typical built-in check: one connector call, a few string operations, one finding with evidence.
let benchSource = """
    return assay.check {
      id = "PROBE-BENCH", title = "A typical check", severity = "high", category = "security", needs = { "probe" },
      run = function(ctx)
        for _, doc in ipairs(ctx.target:configs("redis")) do
          local bind = doc.data.settings.bind
          if bind:match("^127%.") then
            ctx:pass { resource = doc.path, message = "bind " .. bind, evidence = { bind = bind, file = doc.path } }
          else
            ctx:fail { resource = doc.path, message = string.format("bind %s is not loopback", bind) }
          end
        end
      end,
    }
    """

func cpuMicroseconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec)
    let system = Double(usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_stime.tv_usec)
    return user + system
}

/// The peak resident set of this process's own memory: VmHWM. (getrusage's ru_maxrss would also
/// count the parent's, which Linux folds in when a spawned child execs.)
func peakRSSKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return -1 }
    return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("SandboxProbe: \(message)\n".utf8))
    exit(2)
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "bench":
    let runs = arguments.dropFirst().first.flatMap { Int($0) } ?? 5000
    guard case .success(let check) = CheckLoader.load(CheckScript(path: "bench.lua", source: Array(benchSource.utf8))) else {
        fail("the benchmark check does not load")
    }
    let environment = ProbeEnvironment()
    for _ in 0..<200 { _ = CheckRunner.run(check, on: target, environment: environment) }  // warm up
    let cpu0 = cpuMicroseconds(), wall0 = Deadline.now()
    for _ in 0..<runs {
        let outcome = CheckRunner.run(check, on: target, environment: environment)
        guard outcome.findings.first?.status == .pass else { fail("unexpected findings \(outcome.findings)") }
    }
    let cpu = (cpuMicroseconds() - cpu0) / Double(runs)
    let wall = Double(Deadline.now().nanoseconds - wall0.nanoseconds) / 1000 / Double(runs)
    print(String(format: "check runs: %d; CPU per run: %.1f µs; wall per run: %.1f µs", runs, cpu, wall))
case "run":
    guard let path = arguments.dropFirst().first, let source = FileManager.default.contents(atPath: path) else {
        fail("run: no readable check file")
    }
    var limits = SandboxLimits()
    for setting in arguments.dropFirst(2) {
        let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let n = Int(parts[1]) else { fail("run: bad setting \(setting)") }
        switch parts[0] {
        case "memory_mb": limits.memoryBytes = n << 20
        case "instructions": limits.instructions = UInt64(n)
        case "timeout_ms": limits.timeout = .milliseconds(n)
        case "findings": limits.findings = n
        case "findings_kb": limits.findingBytes = n << 10
        case "log_kb": limits.logBytes = n << 10
        case "calls": limits.calls = n
        case "call_arguments_kb": limits.callArgumentBytes = n << 10
        case "results_mb": limits.resultBytes = n << 20
        default: fail("run: unknown setting \(parts[0])")
        }
    }
    let started = Deadline.now()
    let findings: [Finding]
    switch CheckLoader.load(CheckScript(path: path, source: Array(source)), limits: limits) {
    case .success(let check): findings = CheckRunner.run(check, on: target, environment: ProbeEnvironment(), limits: limits).findings
    case .failure(let error): findings = [Finding(checkID: "LOAD", title: "", severity: .info, category: "", status: .error, target: "", resource: "", message: error.description)]
    }
    let wall = (Deadline.now().nanoseconds - started.nanoseconds) / 1_000_000
    for finding in findings { print("\(finding.status.rawValue)\t\(String(decoding: finding.message.utf8.prefix(200), as: UTF8.self))") }
    print("wall_ms=\(wall)")
    print("peak_rss_kib=\(peakRSSKiB())")
default:
    fail("usage: SandboxProbe bench [runs] | run FILE [key=value…]")
}
