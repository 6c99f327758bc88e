import AssayCore
import Testing

@testable import AssayConnectors

/// The RESP framing the Redis connector follows before hiredis sees a byte: where replies end,
/// whatever the pieces they arrive in, and which replies it refuses.
@Suite("Redis frame scanner")
struct RedisFrameScannerTests {
    /// Scans `bytes` with `scanner`.
    private func scan(_ scanner: inout RESPFrameScanner, _ bytes: ArraySlice<UInt8>) throws(RESPFrameScanner.Failure)
        -> RESPFrameScanner.Progress
    {
        let copy = Array(bytes)
        let pointer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, copy.count), alignment: 1)
        defer { pointer.deallocate() }
        pointer.copyBytes(from: copy)
        return try scanner.scan(UnsafeRawBufferPointer(rebasing: pointer[..<copy.count]))
    }

    /// Scans `reply` cut into pieces of `piece` bytes; where it ended (in bytes from the start),
    /// or nil if it did not.
    private func end(of reply: String, piece: Int, limits: ReplyLimits = ReplyLimits()) throws(RESPFrameScanner.Failure)
        -> Int?
    {
        let bytes = Array(reply.utf8)
        var scanner = RESPFrameScanner(limits: limits)
        var start = 0
        while start < bytes.count {
            let stop = min(bytes.count, start + piece)
            let progress = try scan(&scanner, bytes[start..<stop])
            if case .complete(let at) = progress { return start + at }
            start = stop
        }
        return nil
    }

    private func failure(of reply: String, limits: ReplyLimits = ReplyLimits()) -> RESPFrameScanner.Failure? {
        do {
            _ = try end(of: reply, piece: 7, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func repliesEndWhereTheirFramingSaysInAnyPieces() throws {
        let replies = [
            "+OK\r\n", "-ERR unknown command\r\n", ":42\r\n", ":-1\r\n", "$5\r\nhello\r\n", "$0\r\n\r\n", "$-1\r\n",
            "*0\r\n", "*-1\r\n", "*2\r\n$3\r\nfoo\r\n:7\r\n", "*2\r\n*1\r\n+a\r\n*2\r\n$-1\r\n-ERR x\r\n",
            "$12\r\nline\r\nbreaks\r\n",
        ]
        for reply in replies {
            for piece in [1, 2, 3, 5, 64] {
                #expect(try end(of: reply + "+NEXT\r\n", piece: piece) == reply.utf8.count, "\(reply.debugDescription) in \(piece)s")
                #expect(try end(of: String(reply.dropLast()), piece: piece) == nil, "\(reply.debugDescription) cut short")
            }
        }
    }

    @Test func topLevelErrorsAreKeptToFourKiB() throws {
        var scanner = RESPFrameScanner(limits: ReplyLimits())
        let reply = Array(("-ERR " + String(repeating: "e", count: 100_000) + "\r\n").utf8)
        let progress = try scan(&scanner, reply[...])
        #expect(progress == .complete(at: reply.count))
        #expect(scanner.isTopLevelError)
        #expect(scanner.errorPrefix.count == RESPFrameScanner.errorPrefixBytes)
        #expect(scanner.errorPrefix.starts(with: Array("ERR eee".utf8)))

        var nested = RESPFrameScanner(limits: ReplyLimits())
        _ = try scan(&nested, Array("*1\r\n-ERR x\r\n".utf8)[...])
        #expect(!nested.isTopLevelError, "an error inside an array is hiredis' to build")
    }

    @Test func brokenFramingIsRefused() {
        let cases: [(String, String)] = [
            ("HTTP/1.1 200 OK\r\n", "unexpected byte 0x48 ('H')"),
            ("\u{1B}[2J", "unexpected byte 0x1b where"),
            ("$-5\r\n", "negative bulk length -5"),
            ("*-2\r\n", "negative array length -2"),
            ("$abc\r\n", "a bulk length is not a number"),
            ("*1x\r\n", "an array length is not a number"),
            (":12a\r\n", "an integer reply is not a number"),
            ("$3\r\nabcde\r\n", "does not end with CRLF"),
            ("+OK\rX", "CR without LF"),
            ("$99999999999999999999999\r\n", "longer than 21 bytes"),
            ("$9999999999999999999\r\n", "a bulk length is not a number"),
        ]
        for (reply, message) in cases {
            guard case .protocolViolation(let why)? = failure(of: reply) else {
                Issue.record("\(reply.debugDescription) was not refused as a protocol error")
                continue
            }
            #expect(why.contains(message), "\(reply.debugDescription): \(why)")
        }
    }

    @Test func capsHoldBeforeTheBytesArrive() {
        let limits = ReplyLimits(bytes: 1000, elements: 10, depth: 3)
        #expect(failure(of: "$9223372036854775807\r\n", limits: limits) == .overCap(limits.tooLarge))
        #expect(failure(of: "$995\r\n", limits: limits) == .overCap(limits.tooLarge), "the claim counts, not the bytes")
        #expect(failure(of: "$980\r\n", limits: limits) == nil)
        #expect(failure(of: "+" + String(repeating: "a", count: 1000), limits: limits) == .overCap(limits.tooLarge))
        #expect(failure(of: "*2147483647\r\n", limits: limits) == .overCap(limits.tooManyElements))
        #expect(failure(of: "*5\r\n*6\r\n", limits: limits) == .overCap(limits.tooManyElements), "elements add up across arrays")
        let roomy = ReplyLimits(bytes: 1000, elements: .max, depth: 3)
        #expect(failure(of: "*333\r\n", limits: roomy) == .overCap(roomy.tooLarge), "333 elements cannot fit in 994 bytes")
        #expect(failure(of: "*330\r\n", limits: roomy) == nil)
        #expect(failure(of: "*1\r\n*1\r\n*1\r\n*1\r\n", limits: limits) == .overCap(limits.tooDeep))
        #expect(failure(of: "*1\r\n*1\r\n*1\r\n:1\r\n", limits: limits) == nil)
        let deep = String(repeating: "*1\r\n", count: 8)
        #expect(
            failure(of: deep) == .overCap("reply nested deeper than 7 levels (hiredis 0.14 reads no deeper)"),
            "never deeper than hiredis reads")
    }
}
