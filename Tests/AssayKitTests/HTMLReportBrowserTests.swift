import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// The HTML report in a real browser: headless Chromium loads it from disk, with its network
/// rules (the page's own CSP forbids every fetch), and the test reads the console, the DOM and a
/// screenshot.
@Suite("The HTML report in a headless browser", .serialized)
struct HTMLReportBrowserTests {
    static let chromium = ExternalTools.find("chromium")
    static let canRun = chromium != nil && ExternalTools.hasPython(["PIL"])

    @Test("loads with no console message; table and charts in the DOM; a non-blank screenshot",
          .enabled(if: canRun, "needs chromium (Debian) and Python's Pillow (scripts/install-deps)"))
    func loadsCleanlyWithTableChartsAndAPicture() throws {
        let checks = try TemporaryFolder(OutputFixture.checks)
        defer { checks.remove() }
        // Three signed runs into one folder: the third report has a trend across the chain.
        let out = try TemporaryFolder(prefix: "assay-html-report")
        let key = SigningKey.generate()
        for _ in 0..<3 {
            let result = try OutputFixture.run(checksFolder: checks.path)
            _ = try AuditOutput.write(result, to: out.path, includeTranscript: false, signing: .init(key: key))
        }
        let page = out.file("report.html")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"), "the page must fetch nothing")
        #expect(!html.contains(OutputFixture.hostile), "hostile text must be escaped")

        let load = try Self.browser(["--dump-dom", "file://" + page])
        #expect(Self.consoleLines(load.stderr).isEmpty, "console: \(Self.consoleLines(load.stderr))")
        for element in ["<table id=\"components\"", "<svg id=\"category-chart\"", "<svg id=\"severity-chart\"", "<svg id=\"trend-chart\"", "<ol id=\"action-plan\"", "id=\"since-previous\""] {
            #expect(load.stdout.contains(element), "\(element) is not in the DOM")
        }
        #expect(load.stdout.contains("<td>sample</td>"))
        #expect(load.stdout.components(separatedBy: "<circle").count - 1 == 3, "a trend point per certification")

        let screenshot = out.file("report.png")
        let shot = try Self.browser(["--hide-scrollbars", "--window-size=1200,2400", "--screenshot=\(screenshot)", "file://" + page])
        #expect(FileManager.default.fileExists(atPath: screenshot), "\(shot.stderr.suffix(2000))")
        let measure = try ExternalTools.python(
            """
            import sys; from PIL import Image
            im = Image.open(sys.argv[1]).convert("RGB"); px = list(im.getdata())
            nonwhite = sum(1 for p in px if p != (255, 255, 255))
            print(im.size[0], im.size[1], len(set(px)), nonwhite / len(px))
            """, [screenshot])
        let numbers = measure.text.split(separator: " ").compactMap { Double($0) }
        #expect(numbers.count == 4, "\(measure.stderr)")
        if numbers.count == 4 {
            #expect(numbers[2] > 20, "distinct colours: \(numbers[2])")
            #expect(numbers[3] > 0.03, "share of non-white pixels: \(numbers[3])")
        }
        print("HTML report screenshot: \(screenshot)")
    }

    @Test("the console check sees a page that logs or fetches", .enabled(if: canRun, "needs chromium"))
    func theConsoleCheckIsReal() throws {
        let folder = try TemporaryFolder(["bad.html": "<!DOCTYPE html><html><body><p>x</p><script>console.error('boom')</script></body></html>"])
        defer { folder.remove() }
        let load = try Self.browser(["--dump-dom", "file://" + folder.file("bad.html")])
        #expect(Self.consoleLines(load.stderr).contains { $0.contains("boom") })
    }

    /// Chromium's console messages, as `--enable-logging=stderr` prints them.
    static func consoleLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
    }

    static func browser(_ arguments: [String]) throws -> Program.Result {
        try Program.run(
            "/usr/bin/timeout",
            ["90", chromium!, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr", "--v=0"] + arguments)
    }
}
