import ArgumentParser
import AssayKit
import Foundation
import Logging

/// `assay run`: audit the targets and write the report (and a certification when signing).
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the checks against the targets and score the result.",
        discussion: TargetFlags.help(.builtin))

    @Option(name: .shortAndLong, help: "The configuration file (assay.yaml).")
    var config: String?

    /// The target flags (`--postgres URL`, `--files DIR`, …): one per kind of the registry, read by
    /// ``TargetFlags`` and listed in the help's TARGETS section.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Targets: see TARGETS above.", valueName: "target-flags"))
    var targetFlags: [String] = []

    @Option(name: .customLong("checks"), help: ArgumentHelp("A folder of custom checks, next to the built-in ones.", valueName: "dir"))
    var checkPaths: [String] = []

    @Flag(name: .customLong("no-builtin"), help: "Run only the custom checks.")
    var noBuiltin = false

    @Option(name: .customLong("only"), help: ArgumentHelp("Run only this check id or tag (repeatable).", valueName: "id"))
    var only: [String] = []

    @Option(name: .customLong("skip"), help: ArgumentHelp("Leave out this check id or tag (repeatable).", valueName: "id"))
    var skip: [String] = []

    @Option(name: .customLong("input"), help: ArgumentHelp("A check input, as NAME=VALUE or CHECK-ID.NAME=VALUE.", valueName: "input"))
    var inputs: [String] = []

    @Option(help: ArgumentHelp(
        "Write report.json, report.md and report.html (and the certification) into this folder, replaced whole, under a lock.",
        valueName: "dir"))
    var out: String?

    @Option(name: .customLong("format"), help: ArgumentHelp(
        "Also write this format into --out (repeatable): sarif, junit, prometheus, or any of \(OutputRenderers.formatNames).",
        valueName: "name"))
    var formats: [String] = []

    @Option(help: ArgumentHelp("Write SARIF 2.1.0 (code scanning) to this file.", valueName: "file"))
    var sarif: String?

    @Option(help: ArgumentHelp("Write JUnit XML (one test suite per component) to this file.", valueName: "file"))
    var junit: String?

    @Option(help: ArgumentHelp("Write Prometheus metrics (textfile collector) to this file, atomically.", valueName: "file"))
    var prometheus: String?

    @Option(help: ArgumentHelp("Write the self-contained HTML report to this file.", valueName: "file"))
    var html: String?

    @Option(name: .customLong("fail-on"), help: ArgumentHelp(
        "Exit 1 when an open finding is at or above SEVERITY; with =N, when more than N are (repeatable).",
        valueName: "severity[=n]"))
    var failOn: [FailOn] = []

    @Option(help: ArgumentHelp("Record every connector call and its answer into this transcript.", valueName: "file"))
    var record: String?

    @Option(help: ArgumentHelp("Rerun the checks against a recorded transcript, with no server.", valueName: "file"))
    var replay: String?

    @Option(help: ArgumentHelp(
        "Sign a certification with this Ed25519 key (PKCS#8 PEM): a file (mode 0600), env:VAR or fd:N.", valueName: "key"))
    var sign: String?

    @Option(help: ArgumentHelp("The previous certification to chain to (default: the one in --out).", valueName: "cert"))
    var previous: String?

    @Flag(name: .shortAndLong, help: "Log each check run and connector call to stderr.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print only the verdict line.")
    var quiet = false

    func validate() throws {
        if sign != nil, out == nil { throw ValidationError("--sign needs --out: the certification is written there") }
        if previous != nil, sign == nil { throw ValidationError("--previous needs --sign: it names the certification to chain to") }
        if record != nil, replay != nil { throw ValidationError("--record and --replay cannot be used together") }
    }

    func run() throws {
        // Every secret the run is given or finds; every output below is scrubbed with it, error
        // messages included.
        let secrets = SecretRegistry()
        do {
            try run(secrets: secrets)
        } catch let error as ConfigurationError {
            throw ConfigurationError(OutputScrubber(registry: secrets).scrub(error.message))
        }
    }

    private func run(secrets: SecretRegistry) throws {
        let started = Date()
        let configuration = try makeConfiguration()
        let (renderers, copies) = try outputs(configuration.outputs)
        var logger = Logger(label: "assay") { ScrubbingLogHandler(StreamLogHandler.standardError(label: $0), secrets: secrets) }
        logger.logLevel = verbose ? .debug : .warning
        let transcript = try replay.map { path throws(ConfigurationError) -> Transcript in
            guard let data = FileManager.default.contents(atPath: path) else { throw ConfigurationError("cannot read the transcript \(path)") }
            return try Transcript(bytes: Array(data))
        }
        if configuration.targets.isEmpty, transcript == nil {
            let flags = configuration.kinds.descriptors.map(\.flag).joined(separator: ", ")
            throw ValidationError("no targets: give \(flags), --config or --replay")
        }
        let signing = try sign.map { text throws -> AuditOutput.Signing in
            let key = try SigningKeySource(text).load()
            let previousBytes = try previous.map { p throws(ConfigurationError) -> [UInt8] in
                guard let data = FileManager.default.contents(atPath: p) else { throw ConfigurationError("cannot read the previous certification \(p)") }
                return Array(data)
            }
            return AuditOutput.Signing(key: key, previous: previousBytes)
        }
        // Taken before the audit: a second run on the same folder stops at once (exit 5).
        let lock = try out.map { folder throws(OutputError) in try OutputLock.acquire(folder: folder) }

        var auditor = Auditor(
            configuration: configuration, logger: logger, isolation: .workerProcesses(executable: Self.executablePath),
            recordsTranscript: record != nil, secrets: secrets)
        let progress = quiet || verbose ? nil : ProgressLine.forTerminal()
        if let progress { auditor.progress = { progress.update($0) } }
        let result = try auditor.run(replaying: transcript).scrubbed()
        progress?.finish()
        var written: [String] = []
        if let out {
            written = try AuditOutput.write(
                result, to: out, includeTranscript: record != nil, signing: signing, renderers: renderers, copies: copies, lock: lock
            ).paths
        } else if !copies.isEmpty {
            written = try AuditOutput.write(result, copies: copies)
        }
        // --record into --out names the transcript AuditOutput already wrote: write it once.
        let absolute = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        if let record, !written.map(absolute).contains(absolute(record)) {
            let folder = URL(fileURLWithPath: record).deletingLastPathComponent().path
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: record, contents: Data(result.transcript.bytes)) else {
                throw OutputError("cannot write the transcript \(record)")
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        if quiet {
            Terminal.out(secrets.scrub(TerminalSummary.verdictLine(result.report)))
        } else {
            Terminal.out(secrets.scrub(TerminalSummary.render(result, elapsed: elapsed, written: written, failOn: failOn)))
        }
        if verbose {
            for (target, count) in result.roundTrips.sorted(by: { $0.key < $1.key }) {
                logger.debug("\(target): \(count) round trips")
            }
            logger.debug("run finished in \(String(format: "%.3f", elapsed)) s")
        }
        // An incomplete run never exits 0 nor 1: its verdict was reached without every check.
        if !result.report.isComplete { throw AssayExit.incomplete }
        if !result.policyPassed { throw AssayExit.policyFailed }
        if failOn.contains(where: { $0.isExceeded(by: result) }) { throw AssayExit.policyFailed }
    }

    /// The renderers for --out (the defaults, `--format`s and `outputs.formats`) and the copies at
    /// paths of their own (`--sarif FILE`, …, and `outputs.NAME: PATH`).
    func outputs(_ settings: OutputSettings) throws -> ([any OutputRenderer], [AuditOutput.Copy]) {
        var renderers = OutputRenderers.defaults
        for name in settings.formats + formats {
            guard let renderer = OutputRenderers.named(name) else {
                throw ValidationError("--format \(name): unknown format (expected \(OutputRenderers.formatNames))")
            }
            if !renderers.contains(where: { $0.format == name }) { renderers.append(renderer) }
        }
        var paths = settings.paths
        for (format, path) in [("sarif", sarif), ("junit", junit), ("prometheus", prometheus), ("html", html)] {
            if let path { paths[format] = path }
        }
        let copies = paths.keys.sorted().compactMap { format in
            OutputRenderers.named(format).map { AuditOutput.Copy(renderer: $0, path: paths[format]!) }
        }
        return (renderers, copies)
    }

    func makeConfiguration() throws -> Configuration {
        var configuration = try config.map { path throws(ConfigurationError) in try Configuration.load(path: path) } ?? Configuration()
        for target in try TargetFlags.parse(targetFlags, kinds: configuration.kinds) {
            if configuration.targets.contains(where: { $0.name == target.name }) {
                let placeholder = configuration.kinds[target.kind]?.location.valueName.uppercased() ?? "URL"
                throw ValidationError("two targets are named '\(target.name)': name them, as --\(target.kind.rawValue) NAME=\(placeholder)")
            }
            configuration.targets.append(target)
        }
        configuration.checkPaths += checkPaths
        if noBuiltin { configuration.builtinChecks = false }
        configuration.include += only
        configuration.exclude += skip
        for input in inputs {
            guard let eq = input.firstIndex(of: "=") else { throw ValidationError("--input \(input): expected NAME=VALUE") }
            let name = String(input[..<eq])
            let value = Self.inputValue(String(input[input.index(after: eq)...]))
            if let dot = name.firstIndex(of: "."), name[..<dot].uppercased() == name[..<dot] {
                configuration.checkInputs[String(name[..<dot]), default: [:]][String(name[name.index(after: dot)...])] = value
            } else {
                configuration.inputs[name] = value
            }
        }
        return configuration
    }

    /// This program, for its worker processes (`/proc/self/exe`, which is right however it was started).
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// `42` → integer, `4.5` → number, `true`/`false` → boolean, anything else a string.
    static func inputValue(_ text: String) -> JSONValue {
        if let i = Int64(text) { return .int(i) }
        if let d = Double(text) { return .double(d) }
        if text == "true" || text == "false" { return .bool(text == "true") }
        return .string(text)
    }
}
