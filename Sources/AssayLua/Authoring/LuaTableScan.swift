/// Reads table constructors from tokens: the named fields of `{ a = 1, b = { … }, run = function … end }`
/// at its own level, each with its key's token and the index of its value's first token.
enum LuaTableScan {
    struct Field {
        var key: LuaToken
        var value: Int
    }

    /// How much a token opens (+1) or closes (-1): brackets, and the blocks `function`, `if`,
    /// `do`, `repeat` … `end`, `until` (`while` and `for` open with their `do`).
    static func depthChange(_ token: LuaToken) -> Int {
        switch token.kind {
        case .symbol where token.text == "{" || token.text == "(" || token.text == "[": 1
        case .symbol where token.text == "}" || token.text == ")" || token.text == "]": -1
        case .keyword where ["function", "if", "do", "repeat"].contains(token.text): 1
        case .keyword where token.text == "end" || token.text == "until": -1
        default: 0
        }
    }

    /// The fields of the table whose `{` is at `open`, and the index of its `}` (or the end).
    static func fields(_ tokens: [LuaToken], open: Int) -> (fields: [Field], close: Int) {
        var fields: [Field] = []
        var depth = 0
        var itemStart = true
        var i = open
        while i < tokens.count {
            let token = tokens[i]
            if depth == 1, itemStart, token.isName, i + 1 < tokens.count, tokens[i + 1].is("=") {
                fields.append(Field(key: token, value: i + 2))
            }
            depth += depthChange(token)
            if depth == 0 { return (fields, i) }
            itemStart = depth == 1 && (token.is("{") || token.is(",") || token.is(";"))
            i += 1
        }
        return (fields, tokens.count - 1)
    }

    /// The index of the `{` of a table passed as the only argument of a call whose name ends at
    /// `nameIndex`: `f { … }` or `f({ … })`.
    static func tableArgument(_ tokens: [LuaToken], after nameIndex: Int) -> Int? {
        let next = nameIndex + 1
        guard next < tokens.count else { return nil }
        if tokens[next].is("{") { return next }
        if tokens[next].is("("), next + 1 < tokens.count, tokens[next + 1].is("{") { return next + 1 }
        return nil
    }
}

/// Where the parts of a check's descriptor are written: `return assay.check { … }`'s fields,
/// its declared inputs, and the kinds it needs.
package struct DescriptorSource: Sendable {
    /// Each field's key token.
    package var keys: [String: LuaToken] = [:]
    /// Each field's first value token.
    package var values: [String: LuaToken] = [:]
    /// `inputs = { name = default }`: each name's token.
    package var inputs: [(name: String, token: LuaToken)] = []
    /// `needs = { "files", … }`: the kind names as written.
    package var needs: [String] = []
    /// The `assay` token of `assay.check`, if the file has one.
    package var declaration: LuaToken?

    package init(tokens: [LuaToken]) {
        guard let start = tokens.indices.first(where: { i in
            i + 2 < tokens.count && tokens[i].text == "assay" && tokens[i].isName && tokens[i + 1].is(".") && tokens[i + 2].text == "check"
        }) else { return }
        declaration = tokens[start]
        guard let open = LuaTableScan.tableArgument(tokens, after: start + 2) else { return }
        for field in LuaTableScan.fields(tokens, open: open).fields {
            keys[field.key.text] = field.key
            guard field.value < tokens.count else { continue }
            let value = tokens[field.value]
            values[field.key.text] = value
            switch field.key.text {
            case "inputs" where value.is("{"):
                inputs = LuaTableScan.fields(tokens, open: field.value).fields.map { ($0.key.text, $0.key) }
            case "needs" where value.is("{"):
                let close = LuaTableScan.fields(tokens, open: field.value).close
                needs = tokens[field.value..<close].filter { $0.kind == .string }.map(\.text)
            case "needs" where value.kind == .string:
                needs = [value.text]
            default: break
            }
        }
    }

    package init(source: [UInt8]) { self.init(tokens: LuaTokenizer.tokens(source)) }
}
