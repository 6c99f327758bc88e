import AssayCore

/// Answers the host calls of one check run, collects its findings, and counts what the run makes
/// the host keep against the host-side limits (``HostBudget``). The fields a finding may have are
/// stated and checked here (``findingFields``).
final class FindingRecorder {
    private let check: CheckDescriptor
    private let target: TargetInfo
    private let environment: any CheckEnvironment
    /// The check's deadline: connector calls get what is left of it.
    private let deadline: Deadline
    private var budget: HostBudget
    private var findings: [Finding] = []
    /// The first "target unavailable" message of this run, if any.
    private(set) var unavailable: String?
    /// Why the host stopped the check (a host-side limit), if it did.
    private(set) var stopped: String?
    /// Set once the run is over: ctx and its handles are dead, whatever still holds them.
    private var finished = false
    /// Resources already reported unreadable in this run (a check may ask twice).
    private var unreadable: Set<ResourceProblem> = []

    static let findingFields: Set<String> = ["message", "resource", "evidence", "remediation", "severity"]

    /// The component the run judges, if it is a component rule's run: its findings are about it.
    private let component: String?

    init(
        check: CheckDescriptor, target: TargetInfo, environment: any CheckEnvironment, limits: SandboxLimits, deadline: Deadline,
        component: String? = nil
    ) {
        self.component = component
        self.check = check
        self.target = target
        self.environment = environment
        self.budget = HostBudget(limits: limits)
        self.deadline = deadline
    }

    func handle(_ call: LuaSandbox.HostCall) -> LuaSandbox.HostReply {
        guard !finished else { return .error("the check has ended: ctx can no longer be used") }
        let args = call.arguments
        switch call.operation {
        case .finding:
            guard case .string(let name)? = args.first, let status = Status(rawValue: name),
                Status.reportable.contains(status)
            else { return .error("bad finding status") }
            if let over = budget.admitFinding(bytes: call.encodedBytes) { return stop(over) }
            return record(status, args.count > 1 ? args[1] : .nil)
        case .input:
            guard case .string(let name)? = args.first else { return .error("bad argument #1 to 'input' (string expected)") }
            return .values([environment.input(check: check.id, name: name).map(LuaValue.init) ?? .nil])
        case .targets:
            let known = environment.targetKinds
            guard case .string(let name)? = args.first, TargetKind.isValidName(name), known.contains(TargetKind(name)) else {
                return .error("bad argument #1 to 'targets' (a target kind expected: \(known.map(\.rawValue).joined(separator: ", ")))")
            }
            let kind = TargetKind(name)
            let list = environment.targets(kind: kind).map { LuaValue($0.json) }
            return .values([.array(list)])
        case .log:
            if let over = budget.admitLog(bytes: call.encodedBytes) { return stop(over) }
            environment.log(check: check.id, target: target.name, message: args.first?.stringValue ?? "")
            return .values([])
        case .call:
            if let over = budget.admitCall(argumentBytes: call.encodedBytes) { return stop(over) }
            return connectorCall(args)
        case .line:
            return .error("internal: the line is answered by the shim")
        case .components:
            let kind = args.first?.stringValue
            return .values([.array(environment.components(kind: kind).map { LuaValue(component: $0, environment: environment) })])
        case .handle:
            guard case .string(let name)? = args.first, let spec = environment.handles[TargetKind(name)] else {
                return .error("internal: no handle for target kind '\(args.first?.stringValue ?? "?")'")
            }
            return .values([LuaValue(handle: spec)])
        }
    }

    private func stop(_ message: String) -> LuaSandbox.HostReply {
        if stopped == nil { stopped = message }
        return .stop(message)
    }

    private func connectorCall(_ args: [LuaValue]) -> LuaSandbox.HostReply {
        guard case .string(let targetName)? = args.first, args.count >= 2, case .string(let operation) = args[1] else {
            return .error("bad target call")
        }
        var arguments: [JSONValue] = []
        for (index, argument) in args.dropFirst(2).enumerated() {
            do throws(LuaValue.ArgumentError) {
                arguments.append(try argument.argumentJSON())
            } catch {
                return .error("bad argument #\(index + 1) to '\(operation)' (\(error.message))")
            }
        }
        // An omitted optional argument (`target:info()`) is absent, not null.
        while arguments.last == .null { arguments.removeLast() }
        switch environment.call(target: targetName, operation: operation, arguments: arguments, deadline: deadline) {
        case .success(let value, let problems):
            for problem in problems where unreadable.insert(problem).inserted {
                append(.error, message: problem.message, resource: problem.resource, evidence: .object([:]), remediation: nil,
                       severity: check.severity)
            }
            let encoded = LuaCodec.encodeList([LuaValue(value)])
            if let over = budget.admitResult(bytes: encoded.count) { return stop(over) }
            return .encoded(encoded)
        case .failure(let failure):
            switch failure.grade {
            case .denied: return .values([.nil, .string(failure.message)])
            case .refused: return .error(failure.message)
            case .unavailable:
                unavailable = failure.message
                return .error(failure.message)
            }
        }
    }

    private func record(_ status: Status, _ table: LuaValue) -> LuaSandbox.HostReply {
        let fields: LuaValue = table
        for key in fields.stringKeys where !Self.findingFields.contains(key) {
            let known = Self.findingFields.sorted()
            return .error(
                "unknown field '\(key)' in ctx:\(status.rawValue)\(Suggestion.hint(for: key, in: known)) (expected \(known.joined(separator: ", ")))")
        }
        var problem: String?
        func text(_ key: String) -> String? {
            switch fields[key] {
            case nil, .nil?: return nil
            case .string(let s)?: return s
            case .integer(let i)?: return String(i)
            case let other?:
                problem = problem ?? "field '\(key)' of ctx:\(status.rawValue) must be a string, not \(other.typeName)"
                return nil
            }
        }
        let message = text("message")
        let resource = text("resource")
        let remediation = text("remediation")
        var severity = check.severity
        if let name = text("severity") {
            guard let parsed = Severity(rawValue: name) else {
                return .error(SeverityText.unknown(name, in: Severity.allCases.map(\.rawValue), context: "ctx:\(status.rawValue)"))
            }
            severity = parsed
        }
        if let problem { return .error(problem) }
        if (status == .fail || status == .error), message == nil {
            return .error("ctx:\(status.rawValue) needs a message")
        }
        let evidence = fields["evidence"].map(\.json) ?? .object([:])
        let defaultMessage = status == .skip ? "not applicable" : check.title
        append(status, message: message ?? defaultMessage, resource: resource, evidence: evidence == .null ? .object([:]) : evidence,
               remediation: remediation, severity: severity)
        return .values([])
    }

    private func append(
        _ status: Status, message: String, resource: String?, evidence: JSONValue, remediation: String?, severity: Severity
    ) {
        findings.append(
            Finding(
                checkID: check.id, title: check.title, severity: severity, category: check.category, status: status,
                target: target.name, resource: resource ?? component ?? target.name, message: message, evidence: evidence,
                remediation: remediation ?? check.remediation, component: component))
    }

    func error(_ message: String) {
        append(.error, message: message, resource: nil, evidence: .object([:]), remediation: nil, severity: check.severity)
    }

    /// The findings of the run, which is over: later host calls are refused. A run whose target
    /// became unavailable keeps no pass (could not check is never a pass); a run that reported
    /// nothing is a skip.
    func finish() -> [Finding] {
        finished = true
        if let unavailable {
            findings.removeAll { $0.status == .pass }
            if !findings.contains(where: { $0.status == .error }) { error(unavailable) }
        }
        if findings.isEmpty {
            append(.skip, message: "the check reported nothing for this target", resource: nil, evidence: .object([:]),
                   remediation: nil, severity: check.severity)
        }
        return findings
    }
}
