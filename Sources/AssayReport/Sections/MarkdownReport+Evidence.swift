import AssayCore

// MARK: - Evidence

extension MarkdownReport {
    /// A flat object as a key/value table, anything else as a pretty JSON block; nothing for `{}` or `null`.
    static func evidence(_ value: JSONValue) -> [String] {
        switch value {
        case .null:
            return []
        case .object(let members) where members.isEmpty:
            return []
        case .object(let members) where members.values.allSatisfy(isShortScalar):
            var table = MarkdownTable([("Key", .left), ("Value", .left)])
            for key in JSONWriter.sortedKeys(members) {
                table.append([MarkdownText.code(key, inTable: true), scalarCell(members[key]!)])
            }
            return ["**Evidence**", table.text]
        default:
            return ["**Evidence**", MarkdownText.codeBlock(JSONWriter(pretty: true).string(value), language: "json")]
        }
    }

    /// Scalars that fit a table cell: no line break, at most 120 characters.
    private static func isShortScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .null, .bool, .int, .double: true
        case .string(let s): s.count <= 120 && !s.contains(where: \.isNewline)
        case .array, .object: false
        }
    }

    /// A string as its text (no quotes), other scalars as their JSON text.
    private static func scalarCell(_ value: JSONValue) -> String {
        if case .string(let s) = value { return MarkdownText.code(s, inTable: true) }
        return MarkdownText.code(JSONWriter().string(value), inTable: true)
    }
}
