import AssayConnectors
import AssayCore
import AssayLua
import Foundation

/// A check environment with no connectors: inputs from a dictionary, and connector calls
/// answered by a closure (the sandbox tests exercise the runtime, not the connectors).
struct TestEnvironment: CheckEnvironment {
    var inputs: [String: JSONValue] = [:]
    var answer: @Sendable (String, String, [JSONValue]) -> HostCallResult = { _, operation, _ in
        .failure(HostCallFailure(grade: .refused, message: "no operation \(operation) here"))
    }
    /// Sees the deadline of every call before it is answered.
    var onCall: @Sendable (Deadline) -> Void = { _ in }

    func call(target: String, operation: String, arguments: [JSONValue], deadline: Deadline) -> HostCallResult {
        onCall(deadline)
        return answer(target, operation, arguments)
    }
    func input(check: String, name: String) -> JSONValue? { inputs[name] }
    func targets(kind: TargetKind) -> [TargetInfo] { [TargetInfo(name: "t", kind: kind, address: "test://t")] }
    var handles: [TargetKind: HandleSpec] { TargetKindRegistry.builtin.handles.merging([probeKind: probeHandle]) { $1 } }
    func log(check: String, target: String, message: String) {}
}

/// The kind of the tests' target: every method of every built-in kind (the helpers read files,
/// PgBouncer pools, containers…), and a few more that send whatever a test needs the host to see.
let probeKind: TargetKind = "probe"
let probeHandle = HandleSpec(
    TargetKindRegistry.builtin.descriptors.flatMap(\.handle.methods).reduce(into: [HandleMethod]()) { all, method in
        if !all.contains(where: { $0.name == method.name }) { all.append(method) }
    }.filter { !["info", "config_get", "query"].contains($0.name) } + [
        HandleMethod("info", parameters: [HandleParameter("section", .string, optional: true)], summary: "INFO, as a Redis handle has it."),
        HandleMethod("config_get", parameters: [HandleParameter("pattern", .string, optional: true)], summary: "CONFIG GET."),
        HandleMethod(
            "query", parameters: [HandleParameter("sql", .string), HandleParameter("params", .scalar, variadic: true)],
            summary: "A query, as a PostgreSQL handle has it."),
        HandleMethod("blob", parameters: [HandleParameter("bytes", .integer)], summary: "A string of that many bytes."),
        HandleMethod("send", parameters: [HandleParameter("value", .table)], summary: "Sends a table as it is."),
    ])

let testTarget = TargetInfo(name: "sample", kind: probeKind, address: "file:///sample")

/// A check script whose run function body is `body`.
func script(_ body: String, id: String = "TEST-CHECK", path: String = "test.lua") -> CheckScript {
    CheckScript(path: path, source: Array("""
        return assay.check {
          id = "\(id)", title = "A test check", severity = "high", category = "security",
          needs = { "files" },
          run = function(ctx)
        \(body)
          end,
        }
        """.utf8))
}

func run(_ body: String, limits: SandboxLimits = SandboxLimits(), environment: TestEnvironment = TestEnvironment()) -> [Finding] {
    let check: Check
    switch CheckLoader.load(script(body), limits: limits) {
    case .success(let loaded): check = loaded
    case .failure(let error): return [Finding(checkID: "LOAD", title: "", severity: .info, category: "", status: .error, target: "", resource: "", message: error.description)]
    }
    return CheckRunner.run(check, on: testTarget, environment: environment, limits: limits).findings
}
