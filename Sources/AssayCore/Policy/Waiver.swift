/// An accepted risk: a failure of `check` (optionally only on one target or resource) that counts
/// as waived until `expires`. An expired waiver is reported as expired and no longer counts.
public struct Waiver: Hashable, Sendable {
    public var check: String
    public var target: String?
    /// An exact resource, or a prefix ending in `*`.
    public var resource: String?
    public var justification: String
    /// The last day the waiver applies (inclusive).
    public var expires: CalendarDate

    public init(check: String, target: String? = nil, resource: String? = nil, justification: String, expires: CalendarDate) {
        self.check = check
        self.target = target
        self.resource = resource
        self.justification = justification
        self.expires = expires
    }

    public func matches(_ finding: Finding) -> Bool {
        guard finding.checkID == check else { return false }
        if let target, target != finding.target { return false }
        if let resource {
            if resource.hasSuffix("*") {
                return finding.resource.hasPrefix(String(resource.dropLast()))
            }
            return resource == finding.resource
        }
        return true
    }

    public func isExpired(on day: CalendarDate) -> Bool { day > expires }
}

/// A waiver as the report lists it: whether it was active, expired or matched nothing.
public struct WaiverOutcome: Hashable, Sendable {
    public enum State: String, Sendable { case active, expired, unused }
    public var waiver: Waiver
    public var state: State
    /// How many failures it covered (active) or would have covered (expired).
    public var matched: Int

    public init(waiver: Waiver, state: State, matched: Int) {
        self.waiver = waiver
        self.state = state
        self.matched = matched
    }
}

extension Waiver {
    /// Applies waivers to findings: a failure covered by an active waiver becomes `waived`;
    /// one covered only by an expired waiver stays `fail` and carries the expired waiver.
    public static func apply(_ waivers: [Waiver], to findings: [Finding], on day: CalendarDate) -> (
        [Finding], [WaiverOutcome]
    ) {
        var counts = Array(repeating: 0, count: waivers.count)
        var result = findings
        for i in result.indices where result[i].status == .fail {
            let matching = waivers.indices.filter { waivers[$0].matches(result[i]) }
            guard !matching.isEmpty else { continue }
            matching.forEach { counts[$0] += 1 }
            if let active = matching.first(where: { !waivers[$0].isExpired(on: day) }) {
                result[i].status = .waived
                result[i].waiver = waivers[active]
            } else {
                result[i].waiver = waivers[matching[0]]
            }
        }
        let outcomes = waivers.indices.map { i in
            WaiverOutcome(
                waiver: waivers[i],
                state: waivers[i].isExpired(on: day) ? .expired : (counts[i] > 0 ? .active : .unused),
                matched: counts[i])
        }
        return (result, outcomes)
    }
}
