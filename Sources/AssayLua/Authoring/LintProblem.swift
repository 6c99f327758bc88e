/// One problem `assay checks lint` reports, on the token it is about: `file:line:col: message`.
public struct LintProblem: Hashable, Sendable, CustomStringConvertible {
    /// Who found it: Assay's own rules (descriptor and code) or luacheck.
    public enum Source: String, Hashable, Sendable { case assay, luacheck }

    public var path: String
    public var line: Int
    public var column: Int
    /// A short stable code: luacheck's (`W113`), or Assay's (`A101` …, see ``CheckCodeRules``).
    public var code: String
    public var message: String
    public var source: Source

    public init(path: String, line: Int, column: Int, code: String, message: String, source: Source = .assay) {
        self.path = path
        self.line = line
        self.column = column
        self.code = code
        self.message = message
        self.source = source
    }

    /// `file:line:col: message`.
    public var description: String { "\(path):\(max(line, 1)):\(max(column, 1)): \(message)" }
}

extension LintProblem: Comparable {
    public static func < (a: LintProblem, b: LintProblem) -> Bool {
        (a.path, a.line, a.column, a.code, a.message) < (b.path, b.line, b.column, b.code, b.message)
    }
}

/// "did you mean 'fail'?": the closest of `candidates` within two edits of `word`.
package enum Suggestion {
    package static func closest(to word: String, in candidates: [String]) -> String? {
        var best: (name: String, distance: Int)?
        for candidate in candidates.sorted() where candidate != word {
            let d = distance(word, candidate)
            if d <= 2, d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// `" (did you mean 'x'?)"`, or "" when nothing is close.
    package static func hint(for word: String, in candidates: [String]) -> String {
        closest(to: word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// The Levenshtein distance (insertions, deletions, substitutions).
    package static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
