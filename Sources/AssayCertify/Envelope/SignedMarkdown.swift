/// The byte layout of `certification.md`:
///
/// ```
/// BODY                                   the rendered certification; its last byte is "\n"
/// "\n"                                   one empty line
/// "<!-- assay-signature v1 -->\n"        the marker line
/// "```json\n"                            opening fence
/// ENVELOPE                               the bytes of certification.json (pretty JSON, ends with "\n")
/// "```\n"                                closing fence, the last line of the file
/// ```
///
/// The subject `certification.md` of the statement is the SHA-256 of BODY. BODY never contains a
/// line equal to the marker, so a reader cuts it at the *first* marker line: BODY is every byte
/// before that line, minus the one `"\n"` of the empty line. With standard tools:
///
/// ```sh
/// sed '/^<!-- assay-signature v1 -->$/,$d' certification.md | head -c -1 | sha256sum
/// awk 'f { print } $0 == "<!-- assay-signature v1 -->" { f = 1 }' certification.md | sed '1d;$d' > envelope.json
/// ```
package enum SignedMarkdown {
    static let marker = "<!-- assay-signature v1 -->"
    private static let markerBytes = Array(marker.utf8)
    private static let openFence = Array("```json\n".utf8)
    private static let closeFence = Array("```\n".utf8)

    /// `body + "\n" + marker + "\n" + "```json\n" + envelopeFile + "```\n"`.
    static func assemble(body: [UInt8], envelopeFile: [UInt8]) -> [UInt8] {
        precondition(body.last == 0x0A && envelopeFile.last == 0x0A)
        return body + [0x0A] + markerBytes + [0x0A] + openFence + envelopeFile + closeFence
    }

    /// The offset of the first line equal to the marker, if any.
    static func markerLine(in bytes: [UInt8]) -> Int? {
        let n = markerBytes.count
        var start = 0
        while start + n <= bytes.count {
            let lineEnd = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            if lineEnd - start == n, bytes[start..<lineEnd].elementsEqual(markerBytes) { return start }
            start = lineEnd + 1
        }
        return nil
    }

    /// Splits a Markdown certification into its body and the bytes of its envelope (the exact
    /// bytes of `certification.json`), or `nil` when the layout is not the one above.
    static func split(_ file: [UInt8]) -> (body: [UInt8], envelope: [UInt8])? {
        guard let line = markerLine(in: file) else { return nil }
        let body = line == 0 ? [] : Array(file[0..<(line - 1)])
        var rest = Array(file[(line + markerBytes.count)...])
        guard rest.first == 0x0A else { return nil }
        rest.removeFirst()
        guard rest.starts(with: openFence) else { return nil }
        rest.removeFirst(openFence.count)
        if rest.last != 0x0A { rest.append(0x0A) }  // tolerate a missing final newline
        guard rest.count >= closeFence.count, rest.suffix(closeFence.count).elementsEqual(closeFence) else {
            return nil
        }
        let envelope = Array(rest.dropLast(closeFence.count))
        guard envelope.isEmpty || envelope.last == 0x0A else { return nil }
        return (body, envelope)
    }

    /// ``split(_:)``, throwing ``CertificationError`` `.malformedEnvelope` with the reason.
    static func parts(of file: [UInt8]) throws -> (body: [UInt8], envelope: [UInt8]) {
        guard markerLine(in: file) != nil else {
            throw CertificationError(.malformedEnvelope, "no line \(marker) in the Markdown certification")
        }
        guard let parts = split(file) else {
            throw CertificationError(
                .malformedEnvelope, "the line \(marker) is not followed by a ```json fenced block that ends the file")
        }
        return parts
    }

    /// The envelope bytes of a certification file in either form: the Markdown fenced block, or
    /// the file itself when it holds no marker line.
    package static func envelopeBytes(ofFile file: [UInt8]) throws -> [UInt8] {
        markerLine(in: file) == nil ? file : try parts(of: file).envelope
    }
}
