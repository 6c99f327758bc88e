import AssayCore
import Testing

@Suite("Deterministic JSON")
struct JSONTests {
    @Test func writerSortsKeysAndEscapesOnlyWhatJSONNeeds() {
        let value: JSONValue = ["b": 1, "a": ["x/y", "q\"\n\u{01}"], "é": true, "c": .double(0.1), "d": .double(3)]
        #expect(JSONWriter().string(value) == #"{"a":["x/y","q\"\n\u0001"],"b":1,"c":0.1,"d":3.0,"é":true}"#)
    }

    @Test func parserRoundTrips() throws {
        let text = #"{"a":[1,-2,3.5,1e3,true,false,null],"b":{"c":"\u00e9\ud83d\ude00 \/"}}"#
        let value = try JSONParser.parse(text)
        #expect(value["a"]?.arrayValue?[0] == .int(1))
        #expect(value["a"]?.arrayValue?[3] == .double(1000))
        #expect(value["b"]?["c"]?.stringValue == "é😀 /")
        #expect(try JSONParser.parse(JSONWriter().string(value)) == value)
        #expect(try JSONParser.parse(JSONWriter(pretty: true).string(value)) == value)
    }

    @Test("malformed documents are refused with an offset", arguments: ["{", "[1,]", "{\"a\" 1}", "01x", "\"\u{01}\"", "[] x"])
    func malformed(_ text: String) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
    }

    @Test("keys sort by UTF-8 bytes, a prefix first, as UTF8View's order")
    func keysSortByBytes() {
        let keys = ["b", "a", "ab", "", "é", "e", "Z", "z", "aé", "a\u{0301}", "日本", "10", "9", "a b", "ß", "aa"]
        let members = Dictionary(uniqueKeysWithValues: keys.map { ($0, JSONValue.null) })
        let expected = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(JSONWriter.sortedKeys(members) == expected)
        #expect(expected.prefix(4) == ["", "10", "9", "Z"])
        #expect(JSONWriter.sortedKeys(["only": .null]) == ["only"])
    }
}
