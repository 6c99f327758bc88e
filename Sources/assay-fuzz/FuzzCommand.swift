import ArgumentParser
import AssayFuzzing
import Foundation

/// `assay-fuzz`: feeds Assay's parsers and protocol readers mutated inputs in child processes and
/// reports crashes, hangs and memory; deterministic by seed. See `scripts/fuzz`.
@main
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assay-fuzz",
        abstract: "Fuzz Assay's parsers and protocol readers: crashes, hangs and memory, deterministic by seed.",
        subcommands: [Campaign.self, Replay.self, Batch.self, Targets.self], defaultSubcommand: Campaign.self)

    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Feed files as they are to one target (a saved finding, say) and print the outcome and time of each.")

        @Option(help: "The target (see assay-fuzz targets).") var target: String
        @Argument(help: "Input files.") var files: [String]

        func run() throws {
            guard let fuzzTarget = FuzzTarget.named(target) else { throw ValidationError("unknown target \(target)") }
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
                let started = Date()
                let outcome = fuzzTarget.run(Array(data))
                print("\(file): \(outcome) in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
            }
        }
    }

    struct Campaign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Run a campaign and print a line per target.")

        @Option(help: "Stop after this many seconds.") var seconds: Double?
        @Option(help: "Stop each target after this many inputs.") var count: Int?
        @Option(help: "The campaign's seed: the same seed and corpus give the same inputs.") var seed: UInt64 = 1
        @Option(help: "Folder of seeds, one subfolder per target.") var corpus = "fuzz/corpus"
        @Option(help: "Where crashing and hanging inputs are saved.") var findings = "fuzz/findings"
        @Option(help: "Only these targets (comma-separated).") var targets: String?
        @Option(help: "Seconds an input may take before it counts as a hang.") var hangSeconds = 10.0
        @Option(help: "Memory (MiB) a child may use before it counts as a runaway.") var memoryMB = 2048
        @Option(help: "Inputs per child process.") var batch = 500

        func validate() throws {
            guard seconds != nil || count != nil else { throw ValidationError("give --seconds or --count") }
        }

        func run() throws {
            var settings = FuzzCampaign.Settings(findings: findings)
            settings.seed = seed
            settings.seconds = seconds
            settings.inputsPerTarget = count
            settings.hangSeconds = hangSeconds
            settings.memoryLimitMB = memoryMB
            settings.batch = batch
            if let targets {
                settings.targets = try targets.split(separator: ",").map { name in
                    guard let target = FuzzTarget.named(String(name)) else {
                        throw ValidationError("unknown target \(name) (see assay-fuzz targets)")
                    }
                    return target
                }
            }
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
            let campaign = FuzzCampaign(
                settings: settings, corpus: FuzzCorpus(folder: corpus),
                childCommand: [ProcessInfo.processInfo.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : executable, "batch"])
            let started = Date()
            let tallies = campaign.run()
            print(FuzzReport.table(tallies, seed: seed, seconds: Date().timeIntervalSince(started)))
            let failures = tallies.reduce(0) { $0 + $1.1.crashes + $1.1.hangs + $1.1.memory }
            if failures > 0 { throw ExitCode(1) }
        }
    }

    struct Batch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one batch of one target (what a campaign's child processes do).", shouldDisplay: false)

        @Option var target: String
        @Option var corpus: String
        @Option var seed: UInt64
        @Option var start: Int
        @Option var count: Int

        func run() throws {
            guard let fuzzTarget = FuzzTarget.named(target) else { throw ValidationError("unknown target \(target)") }
            FuzzBatch.run(target: fuzzTarget, corpus: FuzzCorpus(folder: corpus), seed: seed, start: start, count: count)
        }
    }

    struct Targets: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the targets.")
        func run() { for target in FuzzTarget.all { print(target.name) } }
    }
}
