import AssayConnectors
import AssayCore
import AssayLua
import Logging

/// The check environment of a run: connector calls go through the targets' sessions.
struct SessionEnvironment: CheckEnvironment {
    let sessions: [String: TargetSession]
    let configuration: Configuration
    let declaredInputs: [String: [String: JSONValue]]
    let logger: Logger

    func call(target: String, operation: String, arguments: [JSONValue], deadline: Deadline) -> HostCallResult {
        guard let session = sessions[target] else {
            return .failure(HostCallFailure(grade: .refused, message: "no target named '\(target)'"))
        }
        switch session.call(operation, arguments, deadline: deadline) {
        case .success(let value):
            if session.info.kind == .files, operation == "configs", case .array(let documents) = value {
                return Self.splitUnreadable(documents)
            }
            return .success(value, problems: [])
        case .failure(let error):
            let grade: HostCallFailure.Grade
            switch error.kind {
            case .refused: grade = .refused
            case .denied: grade = .denied
            case .unreachable, .timeout, .failed: grade = .unavailable
            }
            return .failure(HostCallFailure(grade: grade, message: "\(target): \(error.message)"))
        }
    }

    /// Documents the files connector could not parse become problems (then `error` findings);
    /// the check sees only the readable ones.
    static func splitUnreadable(_ documents: [JSONValue]) -> HostCallResult {
        var readable: [JSONValue] = []
        var problems: [ResourceProblem] = []
        for document in documents {
            if let error = document["error"] {
                let path = document["path"]?.stringValue ?? "?"
                let line = error["line"]?.intValue ?? 0
                let message = error["message"]?.stringValue ?? "cannot be parsed"
                problems.append(ResourceProblem(resource: path, message: line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)"))
            } else {
                readable.append(document)
            }
        }
        return .success(.array(readable), problems: problems)
    }

    func input(check: String, name: String) -> JSONValue? {
        configuration.input(check: check, name: name) ?? declaredInputs[check]?[name]
    }

    func targets(kind: TargetKind) -> [TargetInfo] {
        sessions.values.map(\.info).filter { $0.kind == kind }.sorted { $0.name < $1.name }
    }

    func log(check: String, target: String, message: String) {
        logger.debug("\(check) on \(target): \(message)")
    }
}
