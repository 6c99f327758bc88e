// A test-support command for the Lua sandbox: measures what a check run costs, and runs one check
// file so that a test can watch the host process from outside (peak RSS, wall time).
//
//   swift run -c release SandboxProbe bench [runs]     µs of CPU and wall time per check run
//   SandboxProbe run FILE [instructions] [timeout_ms]  runs FILE's check once; prints each finding, then
//                                                      `wall_ms=…` and `peak_rss_kib=…`
import AssayCore
import AssayLua
import Foundation

/// Answers the benchmark's one connector call with a small parsed document, as a files target would.
struct ProbeEnvironment: CheckEnvironment {
    func call(target: String, operation: String, arguments: [JSONValue], deadline: Deadline) -> HostCallResult {
        let document: JSONValue = ["path": "redis.conf", "kind": "redis", "data": ["settings": ["bind": "127.0.0.1", "port": "6379"]]]
        return .success([document], problems: [])
    }
    func input(check: String, name: String) -> JSONValue? { nil }
    func targets(kind: TargetKind) -> [TargetInfo] { [] }
    func log(check: String, target: String, message: String) {}
}

let target = TargetInfo(name: "probe", kind: .files, address: "file:///probe")

/// A typical built-in check: one connector call, a few string operations, one finding with evidence.
let benchSource = """
    return assay.check {
      id = "PROBE-BENCH", title = "A typical check", severity = "high", category = "security", needs = { "files" },
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

func peakRSSKiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
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
    fail("run: not yet")
default:
    fail("usage: SandboxProbe bench [runs] | run FILE [instructions] [timeout_ms]")
}
