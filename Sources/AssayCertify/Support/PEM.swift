/// PEM documents (RFC 7468): a label, base64 DER between `-----BEGIN label-----` and
/// `-----END label-----`, 64 characters a line.
enum PEM {
    /// The text of one PEM document, ending with a newline.
    static func encode(label: String, der: [UInt8]) -> String {
        let body = Array(Base64.encode(der))
        var lines = ["-----BEGIN \(label)-----"]
        var start = 0
        while start < body.count {
            let end = min(start + 64, body.count)
            lines.append(String(body[start..<end]))
            start = end
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The DER bytes of the single document labelled `label` in `text`, or `nil`.
    ///
    /// Text around the document and blank space at line ends are ignored; anything else between
    /// the boundaries that is not base64 makes the document invalid.
    static func decode(_ text: String, label: String) -> [UInt8]? {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.trimmingSpace() }
        let begin = "-----BEGIN \(label)-----"
        let end = "-----END \(label)-----"
        guard let first = lines.firstIndex(of: begin), let last = lines[first...].firstIndex(of: end),
            lines.filter({ $0.hasPrefix("-----BEGIN ") }).count == 1
        else { return nil }
        let base64 = lines[(first + 1)..<last].joined()
        guard !base64.isEmpty else { return nil }
        return Base64.decode(base64)
    }
}

extension Substring {
    fileprivate func trimmingSpace() -> String {
        var s = self
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        return String(s)
    }
}
