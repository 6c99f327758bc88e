import AssayConnectors
import AssayCore

extension AuditResult {
    /// The result with every secret removed from its report and transcript, in one pass at the
    /// output boundary (``OutputScrubber``): by context (URL passwords, `password=…`, tokens by
    /// shape), then by value with every secret the run was given or found, in their encoded forms.
    ///
    /// First every output teaches the registry what it holds in password positions, then all are
    /// scrubbed: a secret seen once in context is removed wherever else it occurs. Texts that check
    /// authors wrote (titles, remediation) are scrubbed by value only.
    public func scrubbed() -> AuditResult {
        guard !isScrubbed else { return self }
        let scrubber = OutputScrubber(registry: secrets)
        for finding in report.findings {
            scrubber.learn(finding.message)
            scrubber.learn(finding.resource)
            scrubber.learn(finding.evidence, keys: true)
        }
        for entry in transcript.entries {
            scrubber.learn(.array(entry.arguments))
            switch entry.outcome {
            case .success(let value): scrubber.learn(value)
            case .failure(let error): scrubber.learn(error.message)
            }
        }
        for target in report.targets + transcript.targets { scrubber.learn(target.address) }

        var result = self
        result.report = Self.scrub(report, with: scrubber)
        result.transcript.targets = transcript.targets.map { Self.scrub($0, with: scrubber) }
        result.transcript.entries = transcript.entries.map { entry in
            var entry = entry
            entry.target = scrubber.scrub(entry.target, context: false)
            entry.arguments = entry.arguments.map { scrubber.scrub($0) }
            switch entry.outcome {
            case .success(let value): entry.outcome = .success(scrubber.scrub(value))
            case .failure(let error): entry.outcome = .failure(ConnectorError(error.kind, scrubber.scrub(error.message)))
            }
            return entry
        }
        result.isScrubbed = true
        return result
    }

    private static func scrub(_ report: Report, with scrubber: OutputScrubber) -> Report {
        var report = report
        report.targets = report.targets.map { scrub($0, with: scrubber) }
        report.findings = report.findings.map { finding in
            var finding = finding
            finding.message = scrubber.scrub(finding.message)
            finding.resource = scrubber.scrub(finding.resource)
            finding.evidence = scrubber.scrub(finding.evidence, keys: true)
            finding.title = scrubber.scrub(finding.title, context: false)
            finding.remediation = scrubber.scrub(finding.remediation, context: false)
            finding.target = scrubber.scrub(finding.target, context: false)
            if let justification = finding.waiver?.justification {
                finding.waiver?.justification = scrubber.scrub(justification, context: false)
            }
            return finding
        }
        report.decision.reasons = report.decision.reasons.map { scrubber.scrub($0, context: false) }
        report.checks = report.checks.map { check in
            var check = check
            check.path = scrubber.scrub(check.path, context: false)
            check.title = scrubber.scrub(check.title, context: false)
            return check
        }
        report.waivers = report.waivers.map { outcome in
            var outcome = outcome
            outcome.waiver.justification = scrubber.scrub(outcome.waiver.justification, context: false)
            return outcome
        }
        return report
    }

    private static func scrub(_ target: TargetInfo, with scrubber: OutputScrubber) -> TargetInfo {
        TargetInfo(name: scrubber.scrub(target.name, context: false), kind: target.kind, address: scrubber.scrub(target.address))
    }
}
