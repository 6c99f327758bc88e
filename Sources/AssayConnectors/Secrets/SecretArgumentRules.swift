/// Directives whose secret is not the value of a secret-looking key but an argument at a fixed
/// place: the rules as data, each with its reason.
///
/// `requirepass pw` and `masterauth pw` need no rule here (their names are secret keys); ACL rules
/// (`user app on >pw`) are read by the Redis parsers themselves.
enum SecretArgumentRules {
    /// The argument at `index` (0 = the first after the directive) is secret when the directive is
    /// `directive` and its first argument is `subcommand`.
    struct Rule: Hashable, Sendable {
        let directive: String
        let subcommand: String
        let index: Int
        let reason: String
        let example: [String]
    }

    static let rules: [Rule] = [
        Rule(directive: "sentinel", subcommand: "auth-pass", index: 2,
             reason: "Sentinel's password for a master: `sentinel auth-pass <master> <password>`",
             example: ["sentinel", "auth-pass", "mymaster", "S3ntinel-Master-Pw"]),
        Rule(directive: "sentinel", subcommand: "sentinel-pass", index: 1,
             reason: "the password Sentinels use among themselves: `sentinel sentinel-pass <password>`",
             example: ["sentinel", "sentinel-pass", "S3ntinel-Peer-Pw"]),
    ]

    /// The indexes (into `arguments`, the words after the directive) that hold secrets.
    static func secretIndexes(directive: String, arguments: [String]) -> Set<Int> {
        guard let first = arguments.first?.lowercased() else { return [] }
        let name = directive.lowercased()
        var indexes: Set<Int> = []
        for rule in rules where rule.directive == name && rule.subcommand == first {
            if rule.index < arguments.count { indexes.insert(rule.index) }
        }
        return indexes
    }
}
