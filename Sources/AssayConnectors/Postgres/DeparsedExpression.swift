/// The functions, operators and cast types named in an expression as PostgreSQL itself prints it
/// (EXPLAIN VERBOSE's `Output`, `Filter`, `Function Call`, … fields).
///
/// This reads the server's own output, not a check's SQL: ruleutils.c prints expressions in one
/// canonical form — no comments, no dollar quotes, no Unicode escapes; string constants in `'…'`
/// (or `E'…'`) with quotes doubled; identifiers bare or in `"…"` with quotes doubled; a function
/// name qualified only when the search path would not find it; operators between spaces or as
/// `OPERATOR(schema.op)`; casts as `…::type`. So a name followed by `(` is a call, a run of
/// operator characters is an operator, and the name after `::` is a type. Keywords followed by
/// `(` (`COALESCE(`, `ANY (`, `OVER (`) read as calls too; no refused function has such a name.
struct DeparsedExpression {
    /// A possibly schema-qualified name.
    struct Name: Hashable, CustomStringConvertible {
        var schema: String?
        var name: String

        /// `schema.name` or `name`: how ``SideEffectCatalog`` keys what it refuses.
        var key: String { schema.map { $0 + "." + name } ?? name }
        var description: String { key }
    }

    private(set) var calls: [Name] = []
    private(set) var operators: [Name] = []
    private(set) var types: [Name] = []

    /// Characters PostgreSQL operators are made of.
    static let operatorCharacters = Set("+-*/<>=~!@#%^&|`?".unicodeScalars)

    init(_ text: String) {
        let tokens = Self.tokens(Array(text.unicodeScalars))
        var index = 0
        var afterCast = false
        while index < tokens.count {
            switch tokens[index] {
            case .word:
                // A chain: word (. word)*
                var chain: [String] = []
                while index < tokens.count, case .word(let word) = tokens[index] {
                    chain.append(word)
                    guard index + 2 < tokens.count, tokens[index + 1] == .dot, case .word = tokens[index + 2] else {
                        index += 1
                        break
                    }
                    index += 2
                }
                let name = Name(schema: chain.count >= 2 ? chain[chain.count - 2] : nil, name: chain[chain.count - 1])
                if afterCast {
                    types.append(name)
                } else if index < tokens.count, tokens[index] == .open {
                    calls.append(name)
                } else if index + 1 < tokens.count, tokens[index] == .dot, case .op(let op) = tokens[index + 1] {
                    operators.append(Name(schema: name.name, name: op))  // OPERATOR(schema.op)
                    index += 2
                }
                afterCast = false
            case .op(let op):
                operators.append(Name(schema: nil, name: op))
                afterCast = false
                index += 1
            case .cast:
                afterCast = true
                index += 1
            default:
                afterCast = false
                index += 1
            }
        }
    }

    // MARK: - Tokens

    private enum Token: Equatable {
        case word(String)
        case dot
        case open
        case cast
        case op(String)
        case other
    }

    private static func tokens(_ text: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        func peek(_ offset: Int = 0) -> Unicode.Scalar? { i + offset < text.count ? text[i + offset] : nil }
        while let c = peek() {
            if c == "'" {
                // A constant: quotes are doubled inside (and backslashes, in E'…', come in pairs).
                i += 1
                while let d = peek() {
                    i += 1
                    if d == "'" {
                        if peek() == "'" { i += 1 } else { break }
                    }
                }
                tokens.append(.other)
            } else if c == "\"" {
                i += 1
                var name = String.UnicodeScalarView()
                while let d = peek() {
                    i += 1
                    if d == "\"" {
                        if peek() == "\"" { name.append("\""); i += 1 } else { break }
                    } else {
                        name.append(d)
                    }
                }
                tokens.append(.word(String(name)))
            } else if isIdentifierStart(c) {
                let start = i
                while let d = peek(), isIdentifierPart(d) { i += 1 }
                // Unquoted identifiers fold to lower case, as PostgreSQL reads them.
                tokens.append(.word(String(String.UnicodeScalarView(text[start..<i].map { d in
                    d >= "A" && d <= "Z" ? Unicode.Scalar(d.value + 32)! : d
                }))))
            } else if c == "$" || (c >= "0" && c <= "9") {
                i += 1
                while let d = peek(), isIdentifierPart(d) || d == "." { i += 1 }
                tokens.append(.other)
            } else if c == ":" && peek(1) == ":" {
                i += 2
                tokens.append(.cast)
            } else if operatorCharacters.contains(c) {
                let start = i
                while let d = peek(), operatorCharacters.contains(d) { i += 1 }
                tokens.append(.op(String(String.UnicodeScalarView(text[start..<i]))))
            } else if c == "." {
                i += 1
                tokens.append(.dot)
            } else if c == "(" {
                i += 1
                tokens.append(.open)
            } else if c == " " || c == "\n" || c == "\t" || c == "\r" {
                i += 1  // a call may be printed `name (…)` (TABLESAMPLE)
            } else {
                i += 1
                tokens.append(.other)
            }
        }
        return tokens
    }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || c.value >= 0x80
    }

    static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || (c >= "0" && c <= "9") || c == "$"
    }
}
