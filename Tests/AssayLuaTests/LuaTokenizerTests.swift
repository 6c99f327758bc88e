import AssayLua
import Testing

@Suite("Lint: the Lua tokenizer")
struct LuaTokenizerTests {
    func tokens(_ source: String) -> [String] {
        LuaTokenizer.tokens(Array(source.utf8)).map { "\($0.line):\($0.column) \($0.text)" }
    }

    @Test func commentsAreDropped() {
        #expect(tokens("a -- b c\n--[==[ x\n]] y ]==] d") == ["1:1 a", "3:11 d"])
        #expect(tokens("--[[ long ]] e") == ["1:14 e"])
    }

    @Test func stringsKeepTheirTextAndStartLine() {
        #expect(tokens(#"x = "a\"b" .. 'c'"#) == [#"1:1 x"#, "1:3 =", #"1:5 a\"b"#, "1:12 ..", "1:15 c"])
        #expect(tokens("s = [==[\nline ]] still\n]==] t") == ["1:1 s", "1:3 =", "1:5 line ]] still\n", "3:6 t"])
        #expect(tokens("s = \"a\\\nb\" z") == ["1:1 s", "1:3 =", "1:5 a\\\nb", "2:4 z"])
    }

    @Test func numbersAndSymbols() {
        #expect(tokens("0x1p-4 .5 3e+2 a...b ~= c//d :: e") == [
            "1:1 0x1p-4", "1:8 .5", "1:11 3e+2", "1:16 a", "1:17 ...", "1:20 b", "1:22 ~=", "1:25 c", "1:26 //", "1:28 d",
            "1:30 ::", "1:33 e",
        ])
    }

    @Test func keywordsAreTold() {
        let kinds = LuaTokenizer.tokens(Array("local function f() end".utf8)).map(\.kind)
        #expect(kinds == [.keyword, .keyword, .name, .symbol, .symbol, .keyword])
    }

    @Test func columnsAreBytes() {
        // "é" is two bytes in UTF-8: luacheck counts bytes too.
        #expect(tokens("s = \"é\" t") == ["1:1 s", "1:3 =", "1:5 é", "1:10 t"])
    }
}
