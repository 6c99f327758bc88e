import AssayConnectors
import AssayCore
import AssayLua
import Foundation

// The forms in which the supervisor hands a run's context and its jobs to a worker. Only the
// supervisor and its own workers read them (the same binary), so they carry what is needed and
// nothing more; passwords travel over the private socket, never through arguments or the
// environment.

extension ResolvedTarget {
    var json: JSONValue {
        var object = info.json.objectValue ?? [:]
        object["location"] = .string(location)
        if let password { object["password"] = .string(password) }
        if let server { object["server"] = .string(server) }
        return .object(object)
    }

    init?(json: JSONValue) {
        guard let info = TargetInfo(json: json), let location = json["location"]?.stringValue else { return nil }
        self.init(info: info, location: location, password: json["password"]?.stringValue, server: json["server"]?.stringValue)
    }
}

extension SandboxLimits {
    var json: JSONValue {
        [
            "memory_bytes": .int(Int64(memoryBytes)), "instructions": .int(Int64(clamping: instructions)),
            "timeout_ms": .int(Self.milliseconds(timeout)),
        ]
    }

    init(json: JSONValue) {
        let defaults = SandboxLimits()
        self.init(
            memoryBytes: json["memory_bytes"]?.intValue.map { Int($0) } ?? defaults.memoryBytes,
            instructions: json["instructions"]?.intValue.map { UInt64(max(0, $0)) } ?? defaults.instructions,
            timeout: json["timeout_ms"]?.intValue.map { .milliseconds($0) } ?? defaults.timeout)
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}

extension ConnectorOptions {
    var json: JSONValue {
        [
            "connect_ms": .int(SandboxLimits.milliseconds(connectTimeout)),
            "call_ms": .int(SandboxLimits.milliseconds(callTimeout)),
            "reply_bytes": .int(Int64(replyLimits.bytes)), "reply_rows": .int(Int64(replyLimits.rows)),
            "reply_elements": .int(Int64(replyLimits.elements)), "reply_depth": .int(Int64(replyLimits.depth)),
        ]
    }

    init(json: JSONValue) {
        let defaults = ConnectorOptions()
        func int(_ key: String, _ fallback: Int) -> Int { json[key]?.intValue.map { Int($0) } ?? fallback }
        self.init(
            connectTimeout: json["connect_ms"]?.intValue.map { .milliseconds($0) } ?? defaults.connectTimeout,
            callTimeout: json["call_ms"]?.intValue.map { .milliseconds($0) } ?? defaults.callTimeout,
            replyLimits: ReplyLimits(
                bytes: int("reply_bytes", defaults.replyLimits.bytes), rows: int("reply_rows", defaults.replyLimits.rows),
                elements: int("reply_elements", defaults.replyLimits.elements),
                depth: int("reply_depth", defaults.replyLimits.depth)))
    }
}

extension RunContext {
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "targets": .array(targets.map(\.json)),
            "secrets": .array(secrets.map { .string($0) }),
            "scripts": .array(scripts.map { ["path": .string($0.path), "source": .string(Data($0.source).base64EncodedString())] }),
            "inputs": .object(inputs),
            "check_inputs": .object(checkInputs.mapValues { .object($0) }),
            "limits": limits.json,
            "connector_options": connectorOptions.json,
            "session_memory_bytes": .int(Int64(sessionMemoryBytes)),
            "record": .bool(record),
        ]
        if let replay { object["replay"] = .object(replay.mapValues { .array($0.map(\.json)) }) }
        object["components"] = .array(components.map(\.json))
        object["check_ids"] = .array(checkIDs.map { .string($0) })
        return .object(object)
    }

    init?(json: JSONValue, kinds: TargetKindRegistry) {
        guard let targets = json["targets"]?.arrayValue?.compactMap(ResolvedTarget.init(json:)),
            let scripts = json["scripts"]?.arrayValue?.compactMap({ script -> CheckScript? in
                guard let path = script["path"]?.stringValue, let text = script["source"]?.stringValue,
                    let source = Data(base64Encoded: text)
                else { return nil }
                return CheckScript(path: path, source: Array(source))
            })
        else { return nil }
        self.init(
            kinds: kinds, secrets: (json["secrets"]?.arrayValue ?? []).compactMap(\.stringValue), targets: targets, scripts: scripts, inputs: json["inputs"]?.objectValue ?? [:],
            checkInputs: (json["check_inputs"]?.objectValue ?? [:]).compactMapValues(\.objectValue),
            limits: SandboxLimits(json: json["limits"] ?? .null),
            connectorOptions: ConnectorOptions(json: json["connector_options"] ?? .null),
            sessionMemoryBytes: json["session_memory_bytes"]?.intValue.map { Int($0) } ?? RunSettings().sessionMemoryBytes,
            record: json["record"]?.boolValue ?? false,
            replay: json["replay"]?.objectValue?.mapValues { ($0.arrayValue ?? []).compactMap(Transcript.Entry.init(json:)) },
            components: (json["components"]?.arrayValue ?? []).compactMap(Component.init(json:)))
        checkIDs = (json["check_ids"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}

extension CheckRun {
    var json: JSONValue {
        var object: [String: JSONValue] = ["check": .string(check)]
        if let component { object["component"] = .string(component) }
        return .object(object)
    }

    init?(json: JSONValue) {
        guard let check = json["check"]?.stringValue else { return nil }
        self.init(check, component: json["component"]?.stringValue)
    }
}

extension Job {
    var json: JSONValue {
        [
            "id": .int(Int64(id)), "target": .string(target), "runs": .array(runs.map(\.json)), "discover": .bool(discover),
            "attempt": .int(Int64(attempt)),
        ]
    }

    init?(json: JSONValue) {
        guard let id = json["id"]?.intValue, let target = json["target"]?.stringValue,
            let runs = json["runs"]?.arrayValue?.compactMap(CheckRun.init(json:))
        else { return nil }
        self.init(id: Int(id), target: target, runs: runs, discover: json["discover"]?.boolValue ?? false, attempt: Int(json["attempt"]?.intValue ?? 0))
    }
}

extension SecretRegistry.WeakCredential {
    var json: JSONValue {
        ["target": .string(target), "source": .string(source), "reason": .string(reason), "length": .int(Int64(length))]
    }

    init?(json: JSONValue) {
        guard let target = json["target"]?.stringValue, let source = json["source"]?.stringValue,
            let reason = json["reason"]?.stringValue
        else { return nil }
        self.init(target: target, source: source, reason: reason, length: Int(json["length"]?.intValue ?? 0))
    }
}
