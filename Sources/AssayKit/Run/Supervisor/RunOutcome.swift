import AssayCore

/// What the workers of a run reported, gathered by the supervisor.
struct RunOutcome: Sendable {
    var findings: [Finding] = []
    /// Distinct calls, once each (two jobs reading the same target may both ask).
    var entries: [String: Transcript.Entry] = [:]
    var roundTrips: [String: Int] = [:]
    /// The components discovery grouped (empty when the run discovered none).
    var components: [Component] = []
    /// Why the run is incomplete (a deadline passed, the run was cancelled), in the order they arose.
    var incomplete: [String] = []
    /// Check runs and what they cost, for `--verbose` and the benchmark.
    var checkRuns = 0
    var instructions: UInt64 = 0

    mutating func add(_ entry: Transcript.Entry) {
        entries[entry.target + "\u{0}" + entry.key] = entry
    }

    mutating func noteIncomplete(_ reason: String) {
        if !incomplete.contains(reason) { incomplete.append(reason) }
    }
}
