/// The outcome of one check on one resource.
///
/// Checks report `pass`, `fail`, `error` (could not check: unreachable, timeout, script error) and
/// `skip` (not applicable). `waived` is set by the host when an active waiver covers a failure.
/// An `error` is never a pass.
public enum Status: String, CaseIterable, Hashable, Sendable, Codable {
    case pass, fail, error, skip, waived

    /// The statuses a check script may report itself.
    public static let reportable: [Status] = [.pass, .fail, .error, .skip]
}

extension Status: CustomStringConvertible {
    /// The name reports use: `fail`.
    public var description: String { rawValue }
}
