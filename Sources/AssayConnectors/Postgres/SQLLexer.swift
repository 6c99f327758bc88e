/// Just enough of PostgreSQL's lexer to find statement boundaries and the words a statement uses.
///
/// It skips what cannot hide a command — `--` and nested `/* */` comments, `'…'`, `E'…'`, `U&'…'`
/// and `$tag$…$tag$` literals — and reports words (unquoted, lower-cased), quoted identifiers
/// (exact), parentheses and semicolons. Anything it cannot be sure of (an unterminated literal, a
/// `U&"…"` identifier, whose escapes could spell any name) is an error, so the caller refuses.
///
/// Backslashes in plain `'…'` literals mean different things under `standard_conforming_strings`
/// on and off; callers lex both ways and refuse if either reading is unsafe.
struct SQLLexer {
    enum Token: Equatable {
        case word(String)
        case quotedIdentifier(String)
        case openParenthesis
        case semicolon
        case other
    }

    struct Failure: Error, Equatable {
        let message: String
    }

    static func tokens(_ sql: String, standardConformingStrings: Bool) throws(Failure) -> [Token] {
        var lexer = SQLLexer(Array(sql.unicodeScalars), standardConformingStrings: standardConformingStrings)
        return try lexer.run()
    }

    private let text: [Unicode.Scalar]
    private let standardConformingStrings: Bool
    private var i = 0
    private var tokens: [Token] = []

    private init(_ text: [Unicode.Scalar], standardConformingStrings: Bool) {
        self.text = text
        self.standardConformingStrings = standardConformingStrings
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        i + offset < text.count ? text[i + offset] : nil
    }

    private mutating func run() throws(Failure) -> [Token] {
        while let c = peek() {
            switch c {
            case " ", "\t", "\n", "\r", "\u{0C}":
                i += 1
            case "-" where peek(1) == "-":
                while let d = peek(), d != "\n" { i += 1 }
            case "/" where peek(1) == "*":
                try skipBlockComment()
            case "'":
                try skipString(backslashEscapes: !standardConformingStrings)
                tokens.append(.other)
            case "\"":
                tokens.append(.quotedIdentifier(try quotedIdentifier()))
            case "$" where startsDollarQuote():
                try skipDollarQuoted()
                tokens.append(.other)
            case "(":
                i += 1
                tokens.append(.openParenthesis)
            case ";":
                i += 1
                tokens.append(.semicolon)
            default:
                if Self.isIdentifierStart(c) {
                    try word()
                } else if (c >= "0" && c <= "9") || c == "$" {
                    // numbers and $n parameters: digits, letters, dots, signs of exponents
                    i += 1
                    while let d = peek(), Self.isIdentifierPart(d) || d == "." { i += 1 }
                    tokens.append(.other)
                } else {
                    i += 1
                    tokens.append(.other)
                }
            }
        }
        return tokens
    }

    // MARK: - Words and their prefixed literals

    private mutating func word() throws(Failure) {
        let start = i
        while let d = peek(), Self.isIdentifierPart(d) { i += 1 }
        let word = String(String.UnicodeScalarView(text[start..<i])).lowercasedASCII()
        switch (word, peek()) {
        case ("e", "'"):
            try skipString(backslashEscapes: true)
            tokens.append(.other)
        case ("b", "'"), ("x", "'"), ("n", "'"):
            try skipString(backslashEscapes: !standardConformingStrings)
            tokens.append(.other)
        case ("u", "&") where peek(1) == "'":
            i += 1
            try skipString(backslashEscapes: false)
            tokens.append(.other)
        case ("u", "&") where peek(1) == "\"":
            throw Failure(message: "Unicode-escaped identifiers (U&\"…\") are not accepted")
        default:
            tokens.append(.word(word))
        }
    }

    // MARK: - Literals and comments

    private mutating func skipString(backslashEscapes: Bool) throws(Failure) {
        i += 1  // opening quote
        while let c = peek() {
            if backslashEscapes, c == "\\" {
                i += 2
            } else if c == "'" {
                if peek(1) == "'" { i += 2 } else { i += 1; return }
            } else {
                i += 1
            }
        }
        throw Failure(message: "unterminated string literal")
    }

    private mutating func quotedIdentifier() throws(Failure) -> String {
        i += 1
        var name = String.UnicodeScalarView()
        while let c = peek() {
            if c == "\"" {
                if peek(1) == "\"" {
                    name.append("\"")
                    i += 2
                } else {
                    i += 1
                    return String(name)
                }
            } else {
                name.append(c)
                i += 1
            }
        }
        throw Failure(message: "unterminated quoted identifier")
    }

    private mutating func skipBlockComment() throws(Failure) {
        var depth = 0
        while let c = peek() {
            if c == "/", peek(1) == "*" {
                depth += 1
                i += 2
            } else if c == "*", peek(1) == "/" {
                depth -= 1
                i += 2
                if depth == 0 { return }
            } else {
                i += 1
            }
        }
        throw Failure(message: "unterminated comment")
    }

    /// `$$` or `$tag$`, where tag is an identifier without `$`. (`$1` is a parameter.)
    private func startsDollarQuote() -> Bool {
        var j = i + 1
        if j < text.count, text[j] == "$" { return true }
        guard j < text.count, Self.isIdentifierStart(text[j]) else { return false }
        while j < text.count, Self.isIdentifierPart(text[j]), text[j] != "$" { j += 1 }
        return j < text.count && text[j] == "$"
    }

    private mutating func skipDollarQuoted() throws(Failure) {
        var j = i + 1
        while text[j] != "$" { j += 1 }
        let delimiter = Array(text[i...j])
        i = j + 1
        while i < text.count {
            if text[i] == "$", i + delimiter.count <= text.count, Array(text[i..<i + delimiter.count]) == delimiter {
                i += delimiter.count
                return
            }
            i += 1
        }
        throw Failure(message: "unterminated dollar-quoted string")
    }

    // MARK: - Characters

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || c.value >= 0x80
    }

    static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || (c >= "0" && c <= "9") || c == "$"
    }
}

extension String {
    /// Lower-cases ASCII letters only, as PostgreSQL folds unquoted identifiers.
    func lowercasedASCII() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { c in
            c >= "A" && c <= "Z" ? Unicode.Scalar(c.value + 32)! : c
        }))
    }
}
