import AssayCore

/// What a running check can reach outside its sandbox: the targets' connectors, its inputs and
/// the other targets of the run. AssayKit implements it over memoized, recorded connector sessions.
///
/// Implementations are called from the thread running the check and must be safe to call from
/// several such threads at once.
public protocol CheckEnvironment: Sendable {
    /// Answers one connector call on a target by name, by `deadline` at the latest: what is left of
    /// the check's time, which covers waiting for the target as well as the call itself.
    func call(target: String, operation: String, arguments: [JSONValue], deadline: Deadline) -> HostCallResult
    /// The value of an input for a check: from the configuration, or `nil`.
    func input(check: String, name: String) -> JSONValue?
    /// Every target of a kind.
    func targets(kind: TargetKind) -> [TargetInfo]
    /// The run's components of a kind (every component for nil), for `ctx:components(kind)`.
    func components(kind: String?) -> [Component]
    /// A target of the run by name (a component's members name their targets).
    func target(named name: String) -> TargetInfo?
    /// The Lua handle of every target kind the run knows (`ctx:targets(kind)` may name these
    /// kinds; a target's handle has its kind's methods and no others).
    var handles: [TargetKind: HandleSpec] { get }
    /// A line a check printed (for `--verbose`).
    func log(check: String, target: String, message: String)
}

/// The answer to a connector call.
public enum HostCallResult: Sendable {
    /// The value, and problems with resources the connector could not read (for example a
    /// malformed file), which become `error` findings of the calling check.
    case success(JSONValue, problems: [ResourceProblem])
    case failure(HostCallFailure)
}

/// A resource that could not be read, e.g. a configuration file with a syntax error.
public struct ResourceProblem: Hashable, Sendable {
    public var resource: String
    public var message: String

    public init(resource: String, message: String) {
        self.resource = resource
        self.message = message
    }
}

/// Why a connector call failed, graded as the Lua API reports it.
public struct HostCallFailure: Error, Hashable, Sendable {
    public enum Grade: Sendable {
        /// The target cannot be checked (unreachable, timed out): raised as a Lua error, and the
        /// run's passes no longer count.
        case unavailable
        /// The call is not allowed (not read-only, unknown operation): raised as a Lua error.
        case refused
        /// The target said no (permission, disabled command): returned to Lua as `nil, message`.
        case denied
    }

    public var grade: Grade
    public var message: String

    public init(grade: Grade, message: String) {
        self.grade = grade
        self.message = message
    }
}

extension CheckEnvironment {
    /// No component (an environment for target checks only).
    public func components(kind: String?) -> [Component] { [] }
    public func target(named name: String) -> TargetInfo? { nil }

    /// The kinds `ctx:targets(kind)` may name, sorted by name.
    public var targetKinds: [TargetKind] { handles.keys.sorted() }
}
