/// An HTTP/1.1 response read in full.
struct HTTPResponse {
    var status: Int
    /// Header names lower-cased, in the order received.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of a header, by case-insensitive name.
    func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }
}

/// Collects the bytes of one HTTP/1.1 response and says when they make a whole one.
///
/// Bodies are framed by `Content-Length`, by `Transfer-Encoding: chunked`, or by the end of the
/// connection (the request says `Connection: close`). Checking completeness scans only headers and
/// chunk sizes, so feeding a large response in small reads stays linear.
struct HTTPResponseReader {
    private(set) var buffer: [UInt8] = []
    private var head: (status: Int, headers: [(name: String, value: String)], bodyStart: Int)?

    mutating func append(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }

    /// The response, when the bytes so far make a whole one; `atEOF` says the peer closed.
    mutating func response(atEOF: Bool) throws(ConnectorError) -> HTTPResponse? {
        if head == nil {
            guard let end = Self.find([13, 10, 13, 10], in: buffer) else {
                if atEOF { throw ConnectorError(.failed, "the connection closed inside the response headers") }
                return nil
            }
            head = try Self.parseHead(buffer[..<end], bodyStart: end + 4)
        }
        guard let head else { return nil }
        let body = buffer[head.bodyStart...]
        func make(_ body: [UInt8]) -> HTTPResponse {
            HTTPResponse(status: head.status, headers: head.headers, body: body)
        }
        let lookup = { (name: String) in head.headers.first { $0.name == name }?.value }

        if let encoding = lookup("transfer-encoding"), encoding.lowercased().contains("chunked") {
            guard let decoded = try Self.decodeChunked(body) else {
                if atEOF { throw ConnectorError(.failed, "the connection closed inside a chunked body") }
                return nil
            }
            return make(decoded)
        }
        if let lengthText = lookup("content-length") {
            guard let length = Int(lengthText.trimmingSpaces), length >= 0 else {
                throw ConnectorError(.failed, "malformed Content-Length")
            }
            if body.count >= length { return make(Array(body.prefix(length))) }
            if atEOF {
                throw ConnectorError(.failed, "the connection closed after \(body.count) of \(length) body bytes")
            }
            return nil
        }
        if head.status == 204 || head.status == 304 || (100..<200).contains(head.status) { return make([]) }
        return atEOF ? make(Array(body)) : nil
    }

    // MARK: - Parsing

    private static func parseHead(
        _ bytes: ArraySlice<UInt8>, bodyStart: Int
    ) throws(ConnectorError) -> (status: Int, headers: [(name: String, value: String)], bodyStart: Int) {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { throw ConnectorError(.failed, "empty HTTP response") }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100...599).contains(status)
        else { throw ConnectorError(.failed, "not an HTTP/1.x response") }
        var headers: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw ConnectorError(.failed, "malformed HTTP header") }
            headers.append(
                (String(line[..<colon]).lowercased(), String(line[line.index(after: colon)...]).trimmingSpaces))
        }
        return (status, headers, bodyStart)
    }

    /// The decoded body, or nil while the terminating zero-size chunk has not arrived.
    private static func decodeChunked(_ body: ArraySlice<UInt8>) throws(ConnectorError) -> [UInt8]? {
        var ranges: [Range<Int>] = []
        var index = body.startIndex
        while true {
            guard let lineEnd = find([13, 10], in: body[index...]) else { return nil }
            let sizeText = String(decoding: body[index..<lineEnd], as: UTF8.self)
            let sizeField = sizeText.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeField.trimmingSpaces, radix: 16), size >= 0 else {
                throw ConnectorError(.failed, "malformed chunk size")
            }
            let dataStart = lineEnd + 2
            if size == 0 {
                // Trailers (rare) end with an empty line; without trailers that is the next CRLF.
                guard find([13, 10], in: body[dataStart...]) != nil else { return nil }
                break
            }
            guard body.endIndex - dataStart >= size + 2 else { return nil }
            ranges.append(dataStart..<(dataStart + size))
            index = dataStart + size + 2
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(ranges.reduce(0) { $0 + $1.count })
        for range in ranges { decoded.append(contentsOf: body[range]) }
        return decoded
    }

    /// The index where `needle` starts in `haystack`, if anywhere.
    static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while i <= last {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? { find(needle, in: haystack[...]) }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
