/// The per-server connection budget: at most `limit` audit connections to one server at a time,
/// whatever the number of targets on it. A job holds one slot of its own target's server while it
/// runs; a check that reads another target asks for a slot of that one's server.
struct ServerSlots {
    let limit: Int
    private var used: [String: Int] = [:]
    /// The most connections each server ever had at once (for the benchmark and the tests).
    private(set) var peak: [String: Int] = [:]

    init(limit: Int) { self.limit = max(1, limit) }

    func isFree(_ server: String?) -> Bool {
        guard let server else { return true }
        return used[server, default: 0] < limit
    }

    /// Takes a slot if one is free.
    mutating func take(_ server: String?) -> Bool {
        guard let server else { return true }
        guard isFree(server) else { return false }
        used[server, default: 0] += 1
        peak[server] = max(peak[server, default: 0], used[server]!)
        return true
    }

    mutating func give(_ server: String?) {
        guard let server, let count = used[server], count > 0 else { return }
        used[server] = count - 1
    }
}
