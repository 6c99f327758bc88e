import AssayCertify
import AssayConnectors
import AssayCore
import AssayLua
import Foundation
import Logging

/// Runs an audit: loads the checks, opens a session per target, runs every check on every
/// target it needs in a fresh sandbox, applies waivers, scores and decides the verdict.
///
/// Targets run in parallel, each on workers of its own, so a hung target never stalls the others;
/// the calls of one target go one at a time over its single connection (``TargetSession``).
public struct Auditor: Sendable {
    public var configuration: Configuration
    public var logger: Logger
    /// Every secret of the run (given credentials, values found by connectors): handed to the
    /// result, whose outputs are scrubbed with it. Share it with the logger's scrubbing handler.
    public var secrets: SecretRegistry

    public init(configuration: Configuration, logger: Logger = Logger(label: "assay"), secrets: SecretRegistry = SecretRegistry()) {
        self.configuration = configuration
        self.logger = logger
        self.secrets = secrets
    }

    /// The id under which a check file that does not load is reported.
    public static let loadErrorCheckID = "ASSAY-CHECK-LOAD"

    /// Every check script of the configuration: built-in ones first (only those for the kinds
    /// given, when given), then custom folders.
    public func scripts(kinds: Set<TargetKind>? = nil) throws(ConfigurationError) -> [CheckScript] {
        var scripts = configuration.builtinChecks ? try CheckCatalog.builtinScripts(kinds: kinds) : []
        for path in configuration.checkPaths { scripts += try CheckCatalog.scripts(at: path) }
        return scripts
    }

    /// Runs the audit against live targets, or against a recorded transcript.
    public func run(replaying transcript: Transcript? = nil) throws(ConfigurationError) -> AuditResult {
        let startedAt = Self.unixNow()
        let kinds = Set(transcript?.targets.map(\.kind) ?? configuration.targets.map(\.kind))
        let (checks, problems) = CheckLoader.loadAll(try scripts(kinds: kinds), limits: configuration.limits)
        let active = checks.filter { configuration.selects($0.descriptor) }
        CredentialRegistration.registerInputs(of: configuration, in: secrets)
        let sessions = try openSessions(replaying: transcript)
        defer { sessions.forEach { $0.close() } }
        let environment = SessionEnvironment(
            sessions: Dictionary(uniqueKeysWithValues: sessions.map { ($0.info.name, $0) }), configuration: configuration,
            declaredInputs: Dictionary(uniqueKeysWithValues: active.map { ($0.id, $0.declaredInputs) }), logger: logger)

        let collected = FindingCollector()
        let group = DispatchGroup()
        let limits = configuration.limits
        var ran: Set<String> = []
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        for session in sessions {
            let work = active.filter { $0.descriptor.needs.first == session.info.kind }
            ran.formUnion(work.map(\.id))
            guard !work.isEmpty else { continue }
            // Each target has workers of its own (as many as cores): a hung target holds only its own.
            let queue = WorkQueue(work)
            for _ in 0..<min(cores, work.count) {
                group.enter()
                let thread = Thread { [logger] in
                    while let check = queue.next() {
                        let outcome = CheckRunner.run(check, on: session.info, environment: environment, limits: limits)
                        logger.debug(
                            "\(check.id) on \(session.info.name): \(outcome.findings.count) findings, \(outcome.instructions) instructions, \(outcome.memoryPeak / 1024) KiB")
                        collected.add(outcome.findings)
                    }
                    group.leave()
                }
                thread.stackSize = 16 << 20
                thread.start()
            }
        }
        group.wait()

        for problem in problems {
            collected.add([
                Finding(
                    checkID: Self.loadErrorCheckID, title: "Check file loads", severity: .info, category: "assay", status: .error,
                    target: "assay", resource: problem.location.path, message: problem.description,
                    remediation: "Fix the check file; `assay checks lint \(problem.location.path)` shows every problem.")
            ])
        }
        collected.add(WeakCredentialFindings.findings(secrets))
        let finishedAt = Self.unixNow()
        let report = ReportAssembler.assemble(
            findings: collected.findings, checks: active.filter { ran.contains($0.id) }, targets: sessions.map(\.info),
            configuration: configuration, startedAt: startedAt, finishedAt: finishedAt)
        let record = Transcript(
            tool: report.tool, targets: sessions.map(\.info), entries: sessions.flatMap(\.entries))
        return AuditResult(
            report: report, transcript: record,
            roundTrips: Dictionary(uniqueKeysWithValues: sessions.map { ($0.info.name, $0.roundTrips) }), secrets: secrets)
    }

    private func openSessions(replaying transcript: Transcript?) throws(ConfigurationError) -> [TargetSession] {
        let timeout = configuration.connectorOptions.callTimeout
        if let transcript {
            return transcript.targets.map { info in
                TargetSession(
                    info: info, connector: ReplayConnector(kind: info.kind, entries: transcript.entries.filter { $0.target == info.name }),
                    callTimeout: timeout)
            }
        }
        var sessions: [TargetSession] = []
        var names: Set<String> = []
        for target in configuration.targets {
            guard names.insert(target.name).inserted else { throw ConfigurationError("two targets are named '\(target.name)'") }
            let (connector, address) = try ConnectorFactory.make(target, options: configuration.connectorOptions, secrets: secrets)
            sessions.append(
                TargetSession(info: TargetInfo(name: target.name, kind: target.kind, address: address), connector: connector, callTimeout: timeout))
        }
        return sessions
    }

    static func unixNow() -> Int64 { Int64(Date().timeIntervalSince1970) }
}

/// The checks one target still has to run, handed out to its workers.
private final class WorkQueue: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var remaining: ArraySlice<Check>

    init(_ checks: [Check]) { remaining = checks[...] }

    func next() -> Check? {
        lock.lock()
        defer { lock.unlock() }
        return remaining.popFirst()
    }
}

/// Findings gathered from the targets' threads.
private final class FindingCollector: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var storage: [Finding] = []

    func add(_ findings: [Finding]) {
        lock.lock()
        storage += findings
        lock.unlock()
    }

    var findings: [Finding] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
