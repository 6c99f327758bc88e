import AssayCore
import AssayKit
import AssayLua
import Testing

/// The host-side limits of a check run are `limits:` keys (SandboxLimits states each).
@Suite("assay.yaml: the host-side limits of a check run")
struct HostLimitsConfigurationTests {
    @Test func everyHostLimitIsAKey() throws {
        let configuration = try Configuration.parse("""
            limits:
              findings_max: 50
              findings_max_kb: 64
              log_max_kb: 8
              calls_max: 500
              call_arguments_max_kb: 128
              results_max_mb: 32
            """)
        let limits = configuration.limits
        #expect(limits.findings == 50)
        #expect(limits.findingBytes == 64 << 10)
        #expect(limits.logBytes == 8 << 10)
        #expect(limits.calls == 500)
        #expect(limits.callArgumentBytes == 128 << 10)
        #expect(limits.resultBytes == 32 << 20)
    }

    @Test func defaults() throws {
        let limits = try Configuration.parse("").limits
        #expect(limits == SandboxLimits())
        #expect([limits.findings, limits.findingBytes, limits.logBytes, limits.calls, limits.callArgumentBytes, limits.resultBytes]
            == [1000, 1 << 20, 256 << 10, 100_000, 1 << 20, 256 << 20])
    }

    @Test(arguments: ["findings_max", "findings_max_kb", "log_max_kb", "calls_max", "call_arguments_max_kb", "results_max_mb"])
    func zeroIsRefused(_ key: String) {
        #expect(throws: ConfigurationError.self) { try Configuration.parse("limits:\n  \(key): 0") }
    }
}
