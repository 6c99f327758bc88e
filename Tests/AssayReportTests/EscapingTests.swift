import Testing

@testable import AssayReport

@Suite("Markdown escaping")
struct EscapingTests {
    @Test("Inline text: active characters escaped, identifiers and versions left readable")
    func inline() {
        let cases: [(String, String)] = [
            ("client_idle_timeout = 0", "client_idle_timeout = 0"),
            ("_init_ and __dunder__", "\\_init\\_ and \\_\\_dunder\\_\\_"),
            ("0.1.0", "0.1.0"),
            ("1. one", "1\\. one"),
            ("12) twelve", "12\\) twelve"),
            ("- item", "\\- item"),
            ("-5 degrees", "-5 degrees"),
            ("+ plus", "\\+ plus"),
            ("---", "\\---"),
            ("===", "\\==="),
            ("a = b", "a = b"),
            ("> quote", "\\> quote"),
            ("a > b", "a > b"),
            ("# head #", "\\# head \\#"),
            ("<script>", "\\<script>"),
            ("a|b", "a\\|b"),
            ("`x`", "\\`x\\`"),
            ("\\|", "\\\\\\|"),
            ("[a](javascript:x)", "\\[a\\](javascript:x)"),
            ("**bold** ~~gone~~ $x$", "\\*\\*bold\\*\\* \\~\\~gone\\~\\~ \\$x\\$"),
            ("a\nb\r\nc\u{0}d\te", "a b  c d e"),
            ("  padded  ", "padded"),
        ]
        for (text, expected) in cases { #expect(MarkdownText.escape(text) == expected, "\(text)") }
    }

    @Test("Code spans choose a longer delimiter and escape pipes only in tables")
    func codeSpans() {
        #expect(MarkdownText.code("max_client_conn") == "`max_client_conn`")
        #expect(MarkdownText.code("a`b") == "``a`b``")
        #expect(MarkdownText.code("`x") == "`` `x ``")
        #expect(MarkdownText.code("a|b") == "`a|b`")
        #expect(MarkdownText.code("a|b", inTable: true) == "`a\\|b`")
        #expect(MarkdownText.code("two\nlines") == "`two lines`")
        #expect(MarkdownText.code("") == "\"\"")
    }

    @Test("Code blocks use a fence longer than any backtick run inside")
    func codeBlocks() {
        #expect(MarkdownText.codeBlock("a = 1\n", language: "ini") == "```ini\na = 1\n```")
        #expect(MarkdownText.codeBlock("x\n```\n# y", language: "json") == "````json\nx\n```\n# y\n````")
        #expect(MarkdownText.codeBlock("x", language: "js`on x") == "```jsonx\nx\n```")
        #expect(MarkdownText.codeBlock("\n\nx\r\n\n") == "```\nx\n```")
    }

    @Test("Remediation: fenced blocks and key = value lines become snippets, the rest prose")
    func remediation() {
        #expect(
            Remediation("Set client_idle_timeout = 900 in pgbouncer.ini.").parts == [
                .prose("Set client_idle_timeout = 900 in pgbouncer.ini.")
            ])
        #expect(
            Remediation("Enable TLS:\nssl = on\n# and the key\n[ssl]\nkey_file=server.key\nThen reload.\nSoon.").parts == [
                .prose("Enable TLS:"), .snippet("ssl = on\n# and the key\n[ssl]\nkey_file=server.key", language: "ini"),
                .prose("Then reload. Soon."),
            ])
        #expect(
            Remediation("In compose:\n\n~~~yaml\nservices:\n  api:\n    mem_limit: 512m\n~~~\n\nRedeploy.").parts == [
                .prose("In compose:"), .snippet("services:\n  api:\n    mem_limit: 512m", language: "yaml"),
                .prose("Redeploy."),
            ])
        #expect(Remediation("```\nunclosed = 1").parts == [.snippet("unclosed = 1", language: nil)])
        #expect(Remediation("").parts.isEmpty)
        #expect(Remediation("Raise pool_size (see pgbouncer.ini). Then reload.").firstSentence == "Raise pool_size (see pgbouncer.ini).")
        #expect(Remediation("Edit pgbouncer.ini now").firstSentence == "Edit pgbouncer.ini now")
        #expect(Remediation("ssl = on").firstSentence == nil)
    }
}
