import AssayCore
import AssayTestSupport
import Testing

/// JSONParser's caps, as the Docker connector uses them, and the values it builds.
@Suite("JSON parser limits")
struct JSONParserLimitsTests {
    private func kind(_ text: String, _ limits: JSONParser.Limits) -> JSONParser.Error.Kind? {
        do {
            _ = try JSONParser.parse(text, limits: limits)
            return nil
        } catch {
            return error.kind
        }
    }

    @Test func valuesAreCountedAsTheyAreParsed() {
        let limits = JSONParser.Limits(values: 5, depth: 64)
        #expect(kind("[1,2,3,4]", limits) == nil, "an array and four numbers are five values")
        #expect(kind("[1,2,3,4,5]", limits) == .tooManyValues)
        #expect(kind(#"{"a":{"b":[true]},"c":null}"#, limits) == nil)
        #expect(kind(#"{"a":{"b":[true]},"c":null,"d":1}"#, limits) == .tooManyValues)
        // The cap stops the parse where it is passed, long before the end of the document.
        do {
            _ = try JSONParser.parse("[" + String(repeating: "0,", count: 1_000_000) + "0]", limits: limits)
            Issue.record("a million values passed a cap of five")
        } catch {
            #expect(error.kind == .tooManyValues)
            #expect(error.offset == 9, "stopped at the sixth value, byte \(error.offset)")
            #expect(error.reason == "more than 5 values")
        }
    }

    @Test func depthIsCheckedOnTheWayIn() {
        let limits = JSONParser.Limits(values: .max, depth: 3)
        #expect(kind("[[[1]]]", limits) == nil)
        #expect(kind("[[[[1]]]]", limits) == .tooDeep)
        #expect(kind(#"{"a":{"b":{"c":{}}}}"#, limits) == .tooDeep)
        // A million unclosed brackets stop at the fourth.
        #expect(kind(String(repeating: "[", count: 1_000_000), limits) == .tooDeep)
        #expect(kind(String(repeating: "[", count: 100_000), JSONParser.Limits()) == .tooDeep, "512 by default")
        #expect(kind("[1,", limits) == .malformed)
    }

    @Test func valuesAreTheSameWhateverTheInputsShape() throws {
        let text = #"{"s":"plain","e":"tab\tquote\"\u00e9\ud83d\ude00","n":[0,-0,12,-9223372036854775808,9223372036854775807,1.5,-2e-3,123456789012345678901]}"#
        let fromString = try JSONParser.parse(text)
        let fromBytes = try JSONParser.parse(Array(text.utf8))
        let fromSlice = try JSONParser.parse(Array(("xx" + text).utf8)[2...])
        let fromSequence = try JSONParser.parse(text.utf8.lazy.map { $0 })  // not contiguous: copied once
        #expect(fromString == fromBytes)
        #expect(fromString == fromSlice)
        #expect(fromString == fromSequence)
        #expect(fromString["e"] == "tab\tquote\"é😀")
        #expect(fromString["n"] == [0, 0, 12, .int(.min), .int(.max), 1.5, -0.002, .double(1.23456789012345678901e20)])
        for bad in ["+1", ".5", "-", "-x", "1.2.3", "tru", "nul", "\"\\x\""] {
            #expect(kind(bad, JSONParser.Limits()) == .malformed, "\(bad)")
        }
    }

    @Test func longNumbersInMessagesAreShortened() {
        do {
            _ = try JSONParser.parse("[" + String(repeating: "1.", count: 10_000) + "]")
            Issue.record("accepted")
        } catch {
            #expect(error.reason.count < 60, "\(error.reason.count) characters")
        }
    }

    @Test func tenThousandContainersParseToTheSameValueTwice() throws {
        let body = FakeDockerServer.containerListing(count: 10_000)
        let first = try JSONParser.parse(body, limits: .init(values: 1_000_000, depth: 64))
        #expect(first.arrayValue?.count == 10_000)
        #expect(first.arrayValue?[42]["Labels"]?["com.docker.compose.service"] == "cache")
        #expect(try JSONParser.parse(body) == first)
        #expect(try JSONParser.parse(JSONWriter().string(first)) == first)
    }
}
