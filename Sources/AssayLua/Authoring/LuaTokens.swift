/// One token of Lua source, where it starts (line and byte column, both from 1).
///
/// Comments and whitespace are dropped; a string token holds the text between its quotes (escapes
/// left as written). Enough of Lua 5.4's lexical grammar for the check author's lint to find
/// names, calls and table fields on the line a reader sees them; `luac`/luacheck judge syntax.
package struct LuaToken: Hashable, Sendable {
    package enum Kind: Hashable, Sendable { case name, keyword, string, number, symbol }

    package var kind: Kind
    package var text: String
    package var line: Int
    package var column: Int

    func `is`(_ symbol: String) -> Bool { (kind == .symbol || kind == .keyword) && text == symbol }
    var isName: Bool { kind == .name }
}

/// Splits Lua source into ``LuaToken``s.
package enum LuaTokenizer {
    static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in", "local", "nil", "not",
        "or", "repeat", "return", "then", "true", "until", "while",
    ]
    /// Multi-byte symbols, longest first.
    static let symbols = ["...", "..", "==", "~=", "<=", ">=", "//", "::", "<<", ">>"]

    package static func tokens(_ source: [UInt8]) -> [LuaToken] {
        var scanner = Scanner(bytes: source)
        return scanner.run()
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var line = 1
        var lineStart = 0
        var out: [LuaToken] = []

        init(bytes: [UInt8]) { self.bytes = bytes }

        func peek(_ offset: Int = 0) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

        mutating func advance() {
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }

        /// `[`, then `=`*n, then `[`: the level n of a long bracket starting here, or nil.
        func longBracketLevel() -> Int? {
            guard peek() == UInt8(ascii: "[") else { return nil }
            var level = 0
            while peek(1 + level) == UInt8(ascii: "=") { level += 1 }
            return peek(1 + level) == UInt8(ascii: "[") ? level : nil
        }

        /// Skips a long bracket of `level` from its opening; returns its content.
        mutating func skipLong(level: Int) -> String {
            for _ in 0..<(level + 2) { advance() }
            let start = index
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "]") {
                    var n = 0
                    while peek(1 + n) == UInt8(ascii: "=") { n += 1 }
                    if n == level, peek(1 + n) == UInt8(ascii: "]") {
                        let text = String(decoding: bytes[start..<index], as: UTF8.self)
                        for _ in 0..<(level + 2) { advance() }
                        return text
                    }
                }
                advance()
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func emit(_ kind: LuaToken.Kind, _ text: String, line: Int, column: Int) {
            out.append(LuaToken(kind: kind, text: text, line: line, column: column))
        }

        static func isNameStart(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 }
        static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

        mutating func run() -> [LuaToken] {
            // A first line starting with # (a shebang) is not Lua.
            if peek() == UInt8(ascii: "#") { while let c = peek(), c != UInt8(ascii: "\n") { _ = c; advance() } }
            while let c = peek() {
                let startLine = line, column = index - lineStart + 1
                if c == 32 || c == 9 || c == 10 || c == 13 || c == 11 || c == 12 {
                    advance()
                } else if c == UInt8(ascii: "-"), peek(1) == UInt8(ascii: "-") {
                    advance()
                    advance()
                    if let level = longBracketLevel() {
                        _ = skipLong(level: level)
                    } else {
                        while let c = peek(), c != UInt8(ascii: "\n") { _ = c; advance() }
                    }
                } else if Self.isNameStart(c) {
                    let start = index
                    while let c = peek(), Self.isNameStart(c) || Self.isDigit(c) { advance() }
                    let text = String(decoding: bytes[start..<index], as: UTF8.self)
                    emit(LuaTokenizer.keywords.contains(text) ? .keyword : .name, text, line: startLine, column: column)
                } else if Self.isDigit(c) || (c == UInt8(ascii: ".") && peek(1).map(Self.isDigit) == true) {
                    let start = index
                    while let c = peek() {
                        let exponent = c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || c == UInt8(ascii: "p") || c == UInt8(ascii: "P")
                        if exponent, let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                            advance()
                            advance()
                        } else if Self.isNameStart(c) || Self.isDigit(c) || c == UInt8(ascii: ".") {
                            advance()
                        } else {
                            break
                        }
                    }
                    emit(.number, String(decoding: bytes[start..<index], as: UTF8.self), line: startLine, column: column)
                } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    advance()
                    let start = index
                    while let d = peek(), d != c, d != UInt8(ascii: "\n") {
                        if d == UInt8(ascii: "\\") { advance() }
                        if index < bytes.count { advance() }
                    }
                    let text = String(decoding: bytes[start..<min(index, bytes.count)], as: UTF8.self)
                    if peek() == c { advance() }
                    emit(.string, text, line: startLine, column: column)
                } else if let level = longBracketLevel() {
                    let text = skipLong(level: level)
                    emit(.string, text.hasPrefix("\n") ? String(text.dropFirst()) : text, line: startLine, column: column)
                } else if let symbol = Self.symbolsBytes.first(where: { s in s.indices.allSatisfy { peek($0) == s[$0] } }) {
                    for _ in symbol { advance() }
                    emit(.symbol, String(decoding: symbol, as: UTF8.self), line: startLine, column: column)
                } else {
                    advance()
                    emit(.symbol, String(decoding: [c], as: UTF8.self), line: startLine, column: column)
                }
            }
            return out
        }

        static let symbolsBytes = LuaTokenizer.symbols.map { Array($0.utf8) }
    }
}
