/// `$VAR` and `${VAR…}` substitution as docker compose performs it on compose files and `.env` files.
///
/// Forms: `$VAR`, `${VAR}`, `${VAR:-default}` (unset or empty), `${VAR-default}` (unset),
/// `${VAR:?message}` / `${VAR?message}` (fail), `${VAR:+alternative}` / `${VAR+alternative}`;
/// defaults may nest (`${A:-${B}}`). In compose files `$$` is a literal `$` and any other `$`
/// that starts no variable is an error, as in compose; in `.env` files such a `$` stays literal.
///
/// Every value is built twice: as compose would see it, and with the parts that came from a
/// secret variable replaced by ``TextRedaction/placeholder`` — the latter is what checks get.
struct Interpolation {
    enum Mode { case compose, dotenv }

    /// An interpolation that compose would refuse; the message names variables, never values.
    struct Failure: Error {
        var message: String
    }

    /// A value under construction.
    struct Expanded {
        /// The value as compose would use it (may hold secrets: never hand it to a check).
        var value = ""
        /// The value with the text of secret variables replaced.
        var redacted = ""
        /// Whether a secret variable contributed to the value.
        var usedSecret = false
        /// Whether a variable (or a default standing for one) was substituted.
        var substituted = false
        /// Variables referenced without a default that are not set.
        var missing: [String] = []

        mutating func appendLiteral(_ text: String) {
            value += text
            redacted += text
        }

        mutating func append(_ other: Expanded) {
            value += other.value
            redacted += other.redacted
            usedSecret = usedSecret || other.usedSecret
            substituted = substituted || other.substituted
            missing += other.missing
        }
    }

    /// Deepest nesting of `${A:-${B:-…}}` followed; deeper is an error, not a stack overflow.
    /// (Compose has no limit of its own; real files nest two or three levels.)
    static let maxNesting = 32

    let mode: Mode
    /// The value of a variable, nil when unset.
    let lookup: (String) -> String?
    /// Whether a variable holds a secret.
    let isSecret: (String) -> Bool

    /// Expands every `$` in `text`.
    func expand(_ text: String) throws(Failure) -> Expanded {
        try expand(ArraySlice(Array(text)))
    }

    /// Expands every `$` in `chars`.
    func expand(_ chars: ArraySlice<Character>) throws(Failure) -> Expanded {
        try expand(chars, depth: 0, braces: BraceMatches(chars))
    }

    /// Expands every `$` in `chars`, found `depth` levels deep in `${…:-…}` defaults.
    private func expand(_ chars: ArraySlice<Character>, depth: Int, braces: BraceMatches) throws(Failure) -> Expanded {
        guard depth <= Interpolation.maxNesting else {
            throw Failure(message: "interpolation nested more than \(Interpolation.maxNesting) levels deep")
        }
        var out = Expanded()
        var index = chars.startIndex
        var literal = ""
        while index < chars.endIndex {
            if chars[index] == "$" {
                out.appendLiteral(literal)
                literal = ""
                try expandDollar(chars, at: &index, into: &out, depth: depth, braces: braces)
            } else {
                literal.append(chars[index])
                index += 1
            }
        }
        out.appendLiteral(literal)
        return out
    }

    /// Expands the `$` at `index` and moves `index` past what it consumed; `braces` are the
    /// matches of `chars` (or of the text it is part of), found once for all its `$`.
    func expandDollar(
        _ chars: ArraySlice<Character>, at index: inout Int, into out: inout Expanded, depth: Int = 0,
        braces: BraceMatches
    ) throws(Failure) {
        let next = index + 1 < chars.endIndex ? chars[index + 1] : nil
        if next == "$", mode == .compose {
            out.appendLiteral("$")
            index += 2
            return
        }
        if next == "{" {
            guard let close = braces.close(ofDollarAt: index), close < chars.endIndex else {
                return try invalid("an unclosed ${", chars, &index, &out)
            }
            let inner = chars[(index + 2)..<close]
            let start = index
            index = close + 1
            if try !braced(inner, into: &out, depth: depth, braces: braces) {
                index = start
                return try invalid("${…} needs a variable name and one of :- - :? ? :+ +", chars, &index, &out)
            }
            return
        }
        if let next, next.isASCIILetter || next == "_" {
            var end = index + 1
            while end < chars.endIndex, chars[end].isASCIILetter || chars[end].isASCIIDigit || chars[end] == "_" {
                end += 1
            }
            let name = String(chars[(index + 1)..<end])
            index = end
            substitute(name, into: &out)
            return
        }
        try invalid("a $ that starts no variable (write $$ for a literal $)", chars, &index, &out)
    }

    // MARK: - Internals

    /// Handles the text between `${` and `}`; false when it is not a valid expression.
    private func braced(
        _ inner: ArraySlice<Character>, into out: inout Expanded, depth: Int, braces: BraceMatches
    ) throws(Failure) -> Bool {
        var cursor = inner.startIndex
        guard cursor < inner.endIndex, inner[cursor].isASCIILetter || inner[cursor] == "_" else { return false }
        while cursor < inner.endIndex,
            inner[cursor].isASCIILetter || inner[cursor].isASCIIDigit || inner[cursor] == "_"
        {
            cursor += 1
        }
        let name = String(inner[inner.startIndex..<cursor])
        if cursor == inner.endIndex {
            substitute(name, into: &out)
            return true
        }
        var colon = false
        if inner[cursor] == ":" {
            colon = true
            cursor += 1
            guard cursor < inner.endIndex else { return false }
        }
        let op = inner[cursor]
        guard op == "-" || op == "?" || op == "+" else { return false }
        let argument = inner[(cursor + 1)...]
        let value = lookup(name)
        let unset = value.map { colon && $0.isEmpty } ?? true
        switch op {
        case "-":
            if unset {
                out.append(try expand(argument, depth: depth + 1, braces: braces))
                out.substituted = true
            } else {
                substitute(name, into: &out)
            }
        case "?":
            if unset {
                // The file's own message is not repeated: it is file text, and may hold a secret.
                throw Failure(message: "required variable \(name) is missing a value")
            }
            substitute(name, into: &out)
        default:
            if !unset { out.append(try expand(argument, depth: depth + 1, braces: braces)) }
            out.substituted = true
        }
        return true
    }

    private func substitute(_ name: String, into out: inout Expanded) {
        out.substituted = true
        guard let value = lookup(name) else {
            out.missing.append(name)
            return
        }
        out.value += value
        if isSecret(name) {
            out.redacted += TextRedaction.placeholder
            out.usedSecret = true
        } else {
            out.redacted += value
        }
    }

    private func invalid(
        _ problem: String, _ chars: ArraySlice<Character>, _ index: inout Int, _ out: inout Expanded
    ) throws(Failure) {
        if mode == .compose { throw Failure(message: "invalid interpolation format: \(problem)") }
        out.appendLiteral("$")
        index += 1
    }

    /// Where each `${` of a text is closed: the `}` that brings its nesting back to zero, found
    /// for every `${` in one pass with a stack (scanning forward from each `${` instead was
    /// quadratic on 50 000 unclosed `${` — a hang). Within a matched pair every `${` is matched
    /// inside it, so the table of the whole text serves every slice of it.
    struct BraceMatches {
        private var closes: [Int: Int] = [:]

        init(_ chars: ArraySlice<Character>) {
            var open: [Int] = []
            var index = chars.startIndex
            while index < chars.endIndex {
                if chars[index] == "$", index + 1 < chars.endIndex, chars[index + 1] == "{" {
                    open.append(index)
                    index += 2
                    continue
                }
                if chars[index] == "}", let dollar = open.popLast() { closes[dollar] = index }
                index += 1
            }
        }

        /// The `}` closing the `${` whose `$` is at `index`, or nil when it is never closed.
        func close(ofDollarAt index: Int) -> Int? { closes[index] }
    }
}
