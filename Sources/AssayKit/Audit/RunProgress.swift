/// How far a run has got: what a progress display shows.
public struct RunProgress: Hashable, Sendable {
    /// Targets all of whose planned checks have finished, and all targets with checks to run.
    public var targetsDone: Int
    public var targetsTotal: Int
    /// Check runs finished, and planned (one per check per target).
    public var checksDone: Int
    public var checksTotal: Int
    /// Targets that have finished some of their checks but not all, by name.
    public var running: [String]

    public init(targetsDone: Int, targetsTotal: Int, checksDone: Int, checksTotal: Int, running: [String]) {
        self.targetsDone = targetsDone
        self.targetsTotal = targetsTotal
        self.checksDone = checksDone
        self.checksTotal = checksTotal
        self.running = running
    }
}
