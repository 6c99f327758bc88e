import AssayFuzzing
import AssayTestSupport
import Foundation
import Testing

/// The fuzzing harness in short: every target on a few hundred inputs from the committed corpus
/// (a crash here kills the test run; a hang stops it), and the harness itself seen finding the
/// crashes and hangs of targets made to have them.
@Suite("The fuzzing harness")
struct FuzzHarnessTests {
    static let corpus = FuzzCorpus(folder: RepositoryPaths.root.appendingPathComponent("fuzz/corpus").path)

    @Test func everyTargetEndsOnItsInputsAndSeesBothOutcomes() {
        for target in FuzzTarget.all {
            let seeds = Self.corpus.seeds(for: target)
            #expect(!seeds.isEmpty, "\(target.name) has no seeds in fuzz/corpus")
            var outcomes: [FuzzTarget.Outcome: Int] = [:]
            for index in 0..<150 {
                outcomes[target.run(Self.corpus.input(target, seeds: seeds, seed: 7, index: index)), default: 0] += 1
            }
            #expect(outcomes[.refused, default: 0] > 0, "\(target.name) refused nothing: the mutations do not bite")
            // A certification signed with another key never verifies; the statement target does.
            if !target.name.hasPrefix("certification.m"), target.name != "certification.json" {
                #expect(outcomes[.accepted, default: 0] > 0, "\(target.name) accepted nothing: the seeds are not valid")
            }
        }
    }

    @Test func inputsAreDeterministicBySeed() {
        let target = FuzzTarget.named("files.compose")!
        let seeds = Self.corpus.seeds(for: target)
        let first = (0..<20).map { Self.corpus.input(target, seeds: seeds, seed: 3, index: $0) }
        let again = (0..<20).map { Self.corpus.input(target, seeds: seeds, seed: 3, index: $0) }
        let other = (0..<20).map { Self.corpus.input(target, seeds: seeds, seed: 4, index: $0) }
        #expect(first == again)
        #expect(first != other)
    }

    @Test func theHarnessFindsCrashesAndHangsAndSavesTheirInputs() throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [executable, executable.deletingLastPathComponent(), RepositoryPaths.root.appendingPathComponent(".build/debug")]
            .map { $0.appendingPathComponent("assay-fuzz").path }
        let binary = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0) })
        let findings = try TemporaryFolder()
        defer { findings.remove() }
        var settings = FuzzCampaign.Settings(findings: findings.path)
        settings.targets = FuzzTarget.selfTests
        settings.inputsPerTarget = 12
        settings.hangSeconds = 1
        let tallies = FuzzCampaign(settings: settings, corpus: Self.corpus, childCommand: [binary, "batch"]).run()
        for (name, tally) in tallies {
            #expect(tally.inputs == 12, "\(name)")
            let failures = name == "selftest.crash" ? tally.crashes : tally.hangs
            #expect(failures > 0, "\(name) found nothing")
            #expect(failures == tally.findings.count)
            #expect(tally.accepted == 12 - failures)
            for path in tally.findings {
                let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? -1
                #expect(size % 3 == 0, "\(path) is not the input that failed")
            }
        }
    }
}
