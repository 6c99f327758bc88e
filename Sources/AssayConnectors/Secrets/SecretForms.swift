/// The forms a secret can take in an output besides its own text: percent-encoded (in a URL),
/// base64 (in an HTTP `Authorization` header, a Kubernetes secret, a DSSE payload) and
/// JSON-escaped (a JSON document quoted inside a string).
///
/// Base64 of a secret inside a longer encoded text depends on where the secret starts, modulo 3
/// bytes. For each of the three alignments the characters that depend on the secret's bytes alone
/// are taken (the partial characters at its edges dropped): any base64 text that holds the secret
/// holds one of them.
enum SecretForms {
    /// Every form of the secret worth looking for, itself first, without duplicates.
    static func forms(of secret: String) -> [String] {
        var forms: [String] = [secret]
        func add(_ form: String) {
            if form.count >= 6, !forms.contains(form) { forms.append(form) }
        }
        // Percent-encoded: every reserved byte, upper- and lower-case hex; and keeping the
        // sub-delimiters, as URL builders do for user information.
        let encoded = PercentEncoding.encode(secret)
        add(encoded)
        add(lowercasedEscapes(encoded))
        add(PercentEncoding.encode(secret, keeping: Set(Array("!$&'()*+,;=".utf8))))
        add(PercentEncoding.encode(secret, keeping: Set(Array("!$&'()*+,;=".utf8))).replacingOccurrences(of: "%20", with: "+"))
        // Base64, standard and URL-safe, at each alignment.
        for piece in base64Pieces(Array(secret.utf8)) {
            add(piece)
            add(String(piece.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }))
        }
        // JSON-escaped, as JSONWriter writes it, with `\/`, and with every non-ASCII scalar as `\u`.
        add(jsonEscaped(secret, slash: false, asciiOnly: false))
        add(jsonEscaped(secret, slash: true, asciiOnly: false))
        add(jsonEscaped(secret, slash: false, asciiOnly: true))
        return forms
    }

    /// `%2f` for `%2F`.
    private static func lowercasedEscapes(_ text: String) -> String {
        var out = ""
        var countdown = 0
        for character in text {
            if character == "%" {
                countdown = 2
                out.append(character)
            } else if countdown > 0 {
                countdown -= 1
                out += character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// For alignments 0, 1, 2: the base64 characters determined by the secret's bytes alone.
    static func base64Pieces(_ bytes: [UInt8]) -> [String] {
        var pieces: [String] = []
        for offset in 0..<3 {
            let padded = [UInt8](repeating: 0, count: offset) + bytes
            let bits = padded.count * 8
            let first = (8 * offset + 5) / 6  // the first character that starts at or after the secret
            let last = (8 * offset + 8 * bytes.count) / 6  // characters wholly inside it end here
            guard last > first else { continue }
            var out = ""
            for index in first..<last {
                let bit = index * 6
                guard bit + 6 <= bits else { break }
                var value = 0
                for k in 0..<6 {
                    let position = bit + k
                    let byte = padded[position / 8]
                    value = value << 1 | Int((byte >> (7 - UInt8(position % 8))) & 1)
                }
                out.append(alphabet[value])
            }
            pieces.append(out)
        }
        return pieces
    }

    private static func jsonEscaped(_ text: String, slash: Bool, asciiOnly: Bool) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/" where slash: out += "\\/"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        out += hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF))
                    } else {
                        out += hex4(scalar.value)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
