import AssayTestSupport
import Foundation
import Testing

/// The leak suite: every case of ``LeakCases`` planted on the real stack and audited end to end by
/// `assay run --out DIR --record DIR/t.jsonl --verbose --sign KEY`, with checks that put everything
/// they can read into messages, evidence and log lines. The secret must be in no byte of stdout,
/// stderr or any file of DIR, in none of its forms (percent-encoded, base64 at every alignment,
/// JSON-escaped); the witnesses must be there, proving the planted thing was read.
@Suite("Secrets leak into no output")
struct LeakSuiteTests {
    @Test func theSuiteHoldsEveryProbe() {
        #expect(LeakCases.all.count >= 55)
        #expect(Set(LeakCases.all.map(\.id)).count == LeakCases.all.count, "case ids are unique")
        let own = LeakCases.all.map(\.secret).filter { !$0.hasPrefix("{STACK:") }
        #expect(Set(own).count == own.count, "each case has its own secret")
    }

    @Test(arguments: LeakCases.all)
    func leak(_ leak: LeakCase) throws {
        let (secret, witnesses, outputs) = try LeakHarness.run(leak)
        #expect(leak.exitCodes.contains(outputs.status), "exit \(outputs.status): \(outputs.texts.first { $0.place == "stderr" }?.text.prefix(2000) ?? "")")
        for (index, form) in LeakHarness.forms(of: secret).enumerated() {
            let places = outputs.places(holding: form)
            #expect(places.isEmpty, "form #\(index) of the secret is in \(places)")
        }
        for witness in witnesses {
            #expect(!outputs.places(holding: witness).isEmpty, "witness '\(witness)' is in no output")
        }
        if leak.exitCodes != [2] {
            let written = Set(outputs.texts.map(\.place))
            for file in ["report.json", "report.md", "t.jsonl", "certification.json", "certification.md"] {
                #expect(written.contains(file), "\(file) was not written")
            }
        }
    }
}
