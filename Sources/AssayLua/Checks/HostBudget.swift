/// What one check run has made the host keep or copy, outside the Lua heap, counted against the
/// host-side ``SandboxLimits`` (stated there). Each `admit` answers nil, or the message of the
/// `error` finding that stops the check, naming the `limits:` key.
struct HostBudget {
    let limits: SandboxLimits
    private(set) var findings = 0
    private(set) var findingBytes = 0
    private(set) var logBytes = 0
    private(set) var calls = 0
    private(set) var callArgumentBytes = 0
    private(set) var resultBytes = 0

    init(limits: SandboxLimits) { self.limits = limits }

    /// A finding of `bytes` (its encoded fields) is about to be recorded.
    mutating func admitFinding(bytes: Int) -> String? {
        findings += 1
        findingBytes += bytes
        if findings > limits.findings {
            return "check stopped: it reported more than \(limits.findings) findings (limits.findings_max)"
        }
        if findingBytes > limits.findingBytes {
            return "check stopped: its findings took more than \(Self.kib(limits.findingBytes)) (limits.findings_max_kb)"
        }
        return nil
    }

    /// A log line of `bytes` is about to be written.
    mutating func admitLog(bytes: Int) -> String? {
        logBytes += bytes
        guard logBytes > limits.logBytes else { return nil }
        return "check stopped: it logged more than \(Self.kib(limits.logBytes)) (limits.log_max_kb)"
    }

    /// A connector call whose arguments take `argumentBytes` is about to be made.
    mutating func admitCall(argumentBytes: Int) -> String? {
        calls += 1
        callArgumentBytes += argumentBytes
        if calls > limits.calls {
            return "check stopped: it made more than \(limits.calls) connector calls (limits.calls_max)"
        }
        if callArgumentBytes > limits.callArgumentBytes {
            return "check stopped: its connector-call arguments took more than \(Self.kib(limits.callArgumentBytes)) (limits.call_arguments_max_kb)"
        }
        return nil
    }

    /// A connector result of `bytes` (encoded for Lua) is about to be handed to the check.
    mutating func admitResult(bytes: Int) -> String? {
        resultBytes += bytes
        guard resultBytes > limits.resultBytes else { return nil }
        return "check stopped: the connector results it read took more than \(limits.resultBytes >> 20) MiB (limits.results_max_mb)"
    }

    private static func kib(_ bytes: Int) -> String { "\(bytes >> 10) KiB" }
}
