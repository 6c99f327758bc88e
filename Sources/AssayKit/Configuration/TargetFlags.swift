import AssayConnectors
import AssayCore
import Foundation

/// The command-line flags that name targets, one per target kind (`--postgres URL`, `--files DIR`),
/// derived from a registry: help text and parsing both come from the kinds' descriptors.
public enum TargetFlags {
    /// The help section that lists the flags, one line each.
    public static func help(_ kinds: TargetKindRegistry) -> String {
        "TARGETS (each flag repeatable; NAME= names the target):\n"
            + kinds.descriptors.map { "  \($0.flag) <\($0.location.valueName)>\n      \($0.location.help)" }.joined(separator: "\n")
    }

    /// Reads `--KIND VALUE` and `--KIND=VALUE` pairs into targets, in order; an unknown flag is an
    /// error that names the closest kind flag.
    public static func parse(_ arguments: [String], kinds: TargetKindRegistry) throws(ConfigurationError) -> [TargetConfiguration] {
        var targets: [TargetConfiguration] = []
        var counts: [TargetKind: Int] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            let (flag, inline) = split(argument)
            guard let descriptor = kinds.descriptors.first(where: { $0.flag == flag }) else {
                throw ConfigurationError(unknown(argument, kinds))
            }
            let value: String
            if let inline {
                value = inline
            } else {
                guard index < arguments.count else { throw ConfigurationError("\(flag) needs a value: \(flag) <\(descriptor.location.valueName)>") }
                value = arguments[index]
                index += 1
            }
            var target = TargetConfiguration.fromFlag(
                value, kind: descriptor.kind, index: counts[descriptor.kind, default: 0], isFolder: descriptor.location.form == .folder)
            counts[descriptor.kind, default: 0] += 1
            if descriptor.location.form == .folder { target.location = URL(fileURLWithPath: target.location).standardized.path }
            targets.append(target)
        }
        return targets
    }

    private static func split(_ argument: String) -> (String, String?) {
        guard argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
    }

    private static func unknown(_ argument: String, _ kinds: TargetKindRegistry) -> String {
        let flag = split(argument).0
        guard flag.hasPrefix("-") else { return "unexpected argument '\(TerminalText.printable(argument))'" }
        let flags = kinds.descriptors.map(\.flag)
        let closest = flags.min { distance($0, flag) < distance($1, flag) }
        let suggestion = closest.flatMap { distance($0, flag) <= 2 ? " (did you mean \($0)?)" : nil } ?? ""
        return "unknown option '\(TerminalText.printable(flag))'\(suggestion)"
    }

    /// Edit distance, for suggestions.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
