import AssayCore

/// Answers the host calls of one check run and collects its findings.
final class FindingRecorder {
    private let check: CheckDescriptor
    private let target: TargetInfo
    private let environment: any CheckEnvironment
    private var findings: [Finding] = []
    /// The first "target unavailable" message of this run, if any.
    private(set) var unavailable: String?
    /// Resources already reported unreadable in this run (a check may ask twice).
    private var unreadable: Set<ResourceProblem> = []

    static let findingFields: Set<String> = ["message", "resource", "evidence", "remediation", "severity"]

    init(check: CheckDescriptor, target: TargetInfo, environment: any CheckEnvironment) {
        self.check = check
        self.target = target
        self.environment = environment
    }

    func handle(_ call: LoadedScript.HostCall) -> LuaSandbox.HostReply {
        let args = Array(call.arguments)
        switch call.operation {
        case "finding":
            guard case .string(let name)? = args.first, let status = Status(rawValue: name),
                Status.reportable.contains(status)
            else { return .error("bad finding status") }
            return record(status, args.count > 1 ? args[1] : .nil)
        case "input":
            guard case .string(let name)? = args.first else { return .error("bad argument #1 to 'input' (string expected)") }
            return .values([environment.input(check: check.id, name: name).map(LuaValue.init) ?? .nil])
        case "targets":
            let known = environment.targetKinds
            guard case .string(let name)? = args.first, TargetKind.isValidName(name), known.contains(TargetKind(name)) else {
                return .error("bad argument #1 to 'targets' (a target kind expected: \(known.map(\.rawValue).joined(separator: ", ")))")
            }
            let kind = TargetKind(name)
            let list = environment.targets(kind: kind).map { LuaValue($0.json) }
            return .values([.array(list)])
        case "log":
            environment.log(check: check.id, target: target.name, message: args.first?.stringValue ?? "")
            return .values([])
        case "call":
            return connectorCall(args)
        default:
            return .error("unknown host operation '\(call.operation)'")
        }
    }

    private func connectorCall(_ args: [LuaValue]) -> LuaSandbox.HostReply {
        guard case .string(let targetName)? = args.first, args.count >= 2, case .string(let operation) = args[1] else {
            return .error("bad target call")
        }
        var arguments = args.dropFirst(2).map(\.argumentJSON)
        // An omitted optional argument (`target:info()`) is absent, not null.
        while arguments.last == .null { arguments.removeLast() }
        switch environment.call(target: targetName, operation: operation, arguments: arguments) {
        case .success(let value, let problems):
            for problem in problems where unreadable.insert(problem).inserted {
                append(.error, message: problem.message, resource: problem.resource, evidence: .object([:]), remediation: nil,
                       severity: check.severity)
            }
            return .values([LuaValue(value)])
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
            return .error(
                "unknown field '\(key)' in ctx:\(status.rawValue) (expected \(Self.findingFields.sorted().joined(separator: ", ")))")
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
                return .error("unknown severity '\(name)' in ctx:\(status.rawValue)")
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
                target: target.name, resource: resource ?? target.name, message: message, evidence: evidence,
                remediation: remediation ?? check.remediation))
    }

    func error(_ message: String) {
        append(.error, message: message, resource: nil, evidence: .object([:]), remediation: nil, severity: check.severity)
    }

    /// The findings of the run. A run whose target became unavailable keeps no pass (could not
    /// check is never a pass); a run that reported nothing is a skip.
    func finish() -> [Finding] {
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
