/// The `key=value` strings of PgBouncer's `[databases]`, `[users]` and `[peers]` sections.
///
/// Follows PgBouncer's own reader (`cstr_get_pair` in `src/loader.c`): pairs are separated by
/// spaces, a value may be single-quoted with `''` standing for one quote, a backslash is an
/// ordinary character (PgBouncer does not read libpq's backslash escapes), and empty values are
/// refused. Keys are lowercased.
enum PgBouncerConnectionString {
    /// Why a string could not be read; names the key, never the value.
    struct Failure: Error {
        var message: String
    }

    /// The pairs in the order written.
    static func parse(_ text: Substring) throws(Failure) -> [(key: String, value: String)] {
        let chars = Array(text)
        var pairs: [(key: String, value: String)] = []
        var index = 0
        func skipSpaces() { while index < chars.count, chars[index].isBlank { index += 1 } }
        while true {
            skipSpaces()
            guard index < chars.count else { break }
            var key = ""
            while index < chars.count, chars[index] != "=", !chars[index].isBlank {
                key.append(chars[index])
                index += 1
            }
            skipSpaces()
            guard !key.isEmpty, index < chars.count, chars[index] == "=" else {
                throw Failure(message: key.isEmpty ? "expected key=value" : "expected '=' after \(key.lowercased())")
            }
            index += 1
            skipSpaces()
            var value = ""
            if index < chars.count, chars[index] == "'" {
                index += 1
                var closed = false
                while index < chars.count {
                    if chars[index] == "'" {
                        if index + 1 < chars.count, chars[index + 1] == "'" {
                            value.append("'")
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    value.append(chars[index])
                    index += 1
                }
                guard closed else { throw Failure(message: "unterminated quoted value for \(key.lowercased())") }
            } else {
                while index < chars.count, !chars[index].isBlank {
                    value.append(chars[index])
                    index += 1
                }
            }
            guard !value.isEmpty else { throw Failure(message: "empty value for \(key.lowercased())") }
            pairs.append((key.lowercased(), value))
        }
        return pairs
    }
}
