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

    @Option(help: ArgumentHelp("Write report.json and report.md (and the certification) into this folder.", valueName: "dir"))
    var out: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when an open finding is at or above this severity.")
    var failOn: Severity?

    @Option(help: ArgumentHelp("Record every connector call and its answer into this transcript.", valueName: "file"))
    var record: String?

    @Option(help: ArgumentHelp("Rerun the checks against a recorded transcript, with no server.", valueName: "file"))
    var replay: String?

    @Option(help: ArgumentHelp("Sign a certification with this Ed25519 private key (PKCS#8 PEM, mode 0600).", valueName: "key"))
    var sign: String?

    @Option(help: ArgumentHelp("The previous certification to chain to (default: the one in --out).", valueName: "cert"))
    var previous: String?

    @Flag(name: .shortAndLong, help: "Log each check run and connector call to stderr.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print only the verdict line.")
    var quiet = false

    func validate() throws {
        if sign != nil, out == nil { throw ValidationError("--sign needs --out: the certification is written there") }
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
        let signing = try sign.map { path throws -> AuditOutput.Signing in
            let key: SigningKey
            do { key = try KeyFiles.loadSigningKey(path: path) } catch { throw ConfigurationError("\(error)") }
            let previousBytes = try previous.map { p throws(ConfigurationError) -> [UInt8] in
                guard let data = FileManager.default.contents(atPath: p) else { throw ConfigurationError("cannot read the previous certification \(p)") }
                return Array(data)
            }
            return AuditOutput.Signing(key: key, previous: previousBytes)
        }

        let auditor = Auditor(
            configuration: configuration, logger: logger, isolation: .workerProcesses(executable: Self.executablePath),
            recordsTranscript: record != nil, secrets: secrets)
        let result = try auditor.run(replaying: transcript).scrubbed()
        var written: AuditOutput.Written?
        if let out {
            written = try AuditOutput.write(result, to: out, includeTranscript: record != nil, signing: signing)
        }
        // --record into --out names the transcript AuditOutput already wrote: write it once.
        let absolute = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        if let record, !(written?.paths.map(absolute).contains(absolute(record)) ?? false) {
            let folder = URL(fileURLWithPath: record).deletingLastPathComponent().path
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: record, contents: Data(result.transcript.bytes)) else {
                throw ConfigurationError("cannot write the transcript \(record)")
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        if quiet {
            Terminal.out(secrets.scrub(TerminalSummary.verdictLine(result.report)))
        } else {
            Terminal.out(secrets.scrub(TerminalSummary.render(result, elapsed: elapsed, written: written?.paths ?? [], failOn: failOn)))
        }
        if verbose {
            for (target, count) in result.roundTrips.sorted(by: { $0.key < $1.key }) {
                logger.debug("\(target): \(count) round trips")
            }
            logger.debug("run finished in \(String(format: "%.3f", elapsed)) s")
        }
        if !result.policyPassed { throw AssayExit.policyFailed }
        if let failOn, !result.openFindings(atLeast: failOn).isEmpty { throw AssayExit.policyFailed }
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
