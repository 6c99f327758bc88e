import AssayConnectors
import Yams

/// Error texts for assay.yaml that never quote a value: the file may hold passwords (a URL's, an
/// input's), and Yams' own messages show the offending line — its duplicate-key message, the
/// whole file.
///
/// A YAML error reads `file:line:column: what is wrong`. A key or name that the schema does not
/// know is shown only when it is close to one it knows (`certifed` → `certified`) or too weak to
/// be a secret: a distinctive stray word may be a password in the wrong place.
enum ConfigurationErrorText {
    /// `assay.yaml:3:18: found unexpected end of stream (while scanning a quoted scalar at 3:9)`.
    static func yaml(_ error: Error, file: String) -> String {
        guard let error = error as? YamlError else { return "\(file): invalid YAML" }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let where_ = context.map { " (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? ""
            return "\(file):\(mark.line):\(mark.column): invalid YAML: \(problem)\(where_)"
        case .reader(let problem, let offset, _, let yaml):
            let (line, column) = offset.map { position(of: $0, in: yaml) } ?? (0, 0)
            return "\(file):\(line):\(column): invalid YAML: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            let known = duplicates.filter { knownWords.contains($0) }
            let which = known.count == duplicates.count && !known.isEmpty
                ? "the key\(known.count == 1 ? "" : "s") " + known.sorted().map { "'\($0)'" }.joined(separator: ", ")
                : "a key"
            return "\(file):\(context.mark.line):\(context.mark.column): invalid YAML: \(which) appears twice in one mapping"
        case .dataCouldNotBeDecoded:
            return "\(file): invalid YAML: not UTF-8 text"
        case .no, .memory, .writer, .emitter, .representer:
            return "\(file): invalid YAML"
        }
    }

    /// Line and column (from 1) of a character offset.
    private static func position(of offset: Int, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        for (index, character) in text.enumerated() {
            if index >= offset { break }
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }

    // MARK: - Names the schema knows

    /// Every key and enumerated word of assay.yaml.
    static let knownWords: Set<String> = [
        "targets", "checks", "inputs", "waivers", "policy", "limits", "name", "kind", "url", "path", "password_env",
        "password_file", "paths", "builtin", "include", "exclude", "check", "target", "resource", "justification",
        "expires", "certified", "conditional", "severity_weights", "category_weights", "pass_on", "validity_days",
        "min_score", "max_open", "max_errors", "critical", "high", "medium", "low", "info", "memory_mb", "instructions",
        "check_timeout_ms", "connect_timeout_ms", "call_timeout_ms", "reply_max_mb", "reply_max_rows",
        "reply_max_elements", "reply_max_depth", "files", "postgres", "pgbouncer", "redis", "docker",
    ]

    /// `'word'` when it is safe to show — a word of the schema, close to one of `expected`, or too
    /// short or common to be a secret (``SecretStrength``, the rule the scrubbing follows) — else a
    /// description that does not repeat it.
    static func shown(_ word: String, expected: [String]) -> String {
        let lower = word.lowercased()
        let close = expected.contains { distance(lower, $0.lowercased(), limit: 2) <= 2 }
        if knownWords.contains(lower) || close || !SecretStrength.isStrong(word) {
            return "'\(word)'"
        }
        return "(\(word.count) characters, not shown: it may be a value in the wrong place)"
    }

    /// Levenshtein distance, stopping early above `limit`.
    static func distance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a), b = Array(b)
        if abs(a.count - b.count) > limit { return limit + 1 }
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            if current.min() ?? 0 > limit { return limit + 1 }
            previous = current
        }
        return previous[b.count]
    }
}
