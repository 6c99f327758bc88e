import AssayCore
import Testing

@testable import AssayCertify

/// Three certifications in a row, each naming the previous one, and the diffs between them.
@Suite("Chain and diff")
struct ChainTests {
    static let f = Fixtures.finding

    /// Run 2: PG-SSL fixed, the idle timeout still open, a new Redis failure.
    static var runTwo: [Finding] {
        [
            f("PG-SSL", .pass, .high, "security", "pg", "server/ssl", nil),
            f("PGB-CLIENT-IDLE", .fail, .medium, "pool-efficiency", "bouncer", "config/client_idle_timeout", nil),
            f("REDIS-MAXMEMORY", .fail, .high, "resilience", "cache", "config/maxmemory", nil),
            f("REDIS-PROTECTED", .pass, .critical, "security", "cache", "config/protected-mode", nil),
        ]
    }

    /// Run 3: the idle timeout waived, maxmemory fixed, protected mode could not be checked.
    static var runThree: [Finding] {
        [
            f("PG-SSL", .pass, .high, "security", "pg", "server/ssl", nil),
            f("PGB-CLIENT-IDLE", .fail, .medium, "pool-efficiency", "bouncer", "config/client_idle_timeout", nil),
            f("REDIS-MAXMEMORY", .pass, .high, "resilience", "cache", "config/maxmemory", nil),
            f("REDIS-PROTECTED", .error, .critical, "security", "cache", "config/protected-mode", "CONFIG GET denied"),
        ]
    }

    func keys(_ findings: [Finding]) -> [String] { findings.map(\.key) }

    @Test("Each certification names the SHA-256 of the previous certification.json, and all three verify")
    func chain() throws {
        let key = SigningKey.generate()
        let one = try issue(
            Fixtures.runOne, key: key, issuedAt: "2025-06-01T12:00:00Z", validUntil: "2025-07-01T12:00:00Z")
        let two = try issue(
            Self.runTwo, key: key, previous: one.signed.json, startedAt: "2025-06-08T11:59:00Z",
            issuedAt: "2025-06-08T12:00:00Z", validUntil: "2025-07-08T12:00:00Z")
        // The previous certification may also be given in its Markdown form: the link is the same.
        let three = try issue(
            Self.runThree, key: key, previous: two.signed.markdown, startedAt: "2025-06-15T11:59:00Z",
            issuedAt: "2025-06-15T12:00:00Z", validUntil: "2025-07-15T12:00:00Z")

        #expect(one.signed.attestation.previous == nil)
        #expect(
            two.signed.attestation.previous
                == Attestation.Previous(
                    sha256: Digest.sha256Hex(one.signed.json), issuedAt: "2025-06-01T12:00:00Z", verdict: .notCertified)
        )
        #expect(three.signed.attestation.previous?.sha256 == Digest.sha256Hex(two.signed.json))
        #expect(three.signed.attestation.previous?.issuedAt == "2025-06-08T12:00:00Z")

        // The digest a third party computes with sha256sum is the one in the predicate.
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("two.json", two.signed.json)
        let digest = try shell("sha256sum < two.json | cut -d' ' -f1", in: folder.path)
        #expect(digest.output == three.signed.attestation.previous!.sha256 + "\n")

        for (cert, now) in [(one, midJune), (two, midJune), (three, midJune + 86_400)] {
            let result = try Verifier.verify(
                contents: cert.signed.markdown, format: .markdown, key: key.publicKey, now: now,
                siblings: ["report.json": cert.reportJSON])
            #expect(result.verdict == cert.report.verdict)
        }

        // The first body has no "since" section; the others do, with the previous digest in the header.
        let bodyOne = String(decoding: one.signed.body, as: UTF8.self)
        let bodyTwo = String(decoding: two.signed.body, as: UTF8.self)
        #expect(!bodyOne.contains("## Since the previous certification"))
        #expect(bodyOne.contains("| Previous certification | none |"))
        #expect(bodyTwo.contains("## Since the previous certification"))
        #expect(bodyTwo.contains("`sha256:\(Digest.sha256Hex(one.signed.json))`"))
        #expect(bodyTwo.contains("| Signing key | `\(key.publicKey.keyID)` |"))
        #expect(
            bodyTwo.contains(
                "### New findings (1)\n\n- **high** `REDIS-MAXMEMORY` on `cache` `config/maxmemory` (fail)"))
        #expect(bodyTwo.contains("### Resolved findings (1)\n\n- **high** `PG-SSL` on `pg` `server/ssl` (fail)"))
        #expect(bodyTwo.contains("— now pass"))
        // The report's Markdown ends the body, as given.
        #expect(bodyTwo.hasSuffix(Fixtures.markdown(two.report)))
    }

    @Test("The diff lists exactly the findings that appeared and were resolved, with score deltas")
    func diff() throws {
        let key = SigningKey.generate()
        let one = try issue(Fixtures.runOne, key: key)
        let two = try issue(
            Self.runTwo, key: key, previous: one.signed.json, issuedAt: "2025-06-08T12:00:00Z",
            validUntil: "2025-07-08T12:00:00Z")
        let three = try issue(
            Self.runThree, key: key, previous: two.signed.json, issuedAt: "2025-06-15T12:00:00Z",
            validUntil: "2025-07-15T12:00:00Z")

        let first = try CertificationDiff(old: one.signed.json, new: two.signed.markdown)
        #expect(keys(first.appeared) == ["REDIS-MAXMEMORY|cache|config/maxmemory"])
        #expect(keys(first.resolved.map(\.finding)) == ["PG-SSL|pg|server/ssl"])
        #expect(first.resolved.map(\.now) == [.pass])

        let second = try CertificationDiff(old: two.signed.json, new: three.signed.json)
        #expect(keys(second.appeared) == ["REDIS-PROTECTED|cache|config/protected-mode"])  // an error is open
        #expect(second.appeared.first?.status == .error)
        #expect(keys(second.resolved.map(\.finding)) == ["REDIS-MAXMEMORY|cache|config/maxmemory"])

        // Scores: security 10/15 → 15/15, resilience 5/5 → 0/5, pool-efficiency 0/3 → 0/3.
        func score(_ report: Report, _ category: String) -> Int {
            report.scores.categories.first { $0.name == category }!.score!.hundredths
        }
        #expect(first.categories.map(\.category) == ["pool-efficiency", "resilience", "security"])
        for change in first.categories {
            let name = change.category!
            #expect(change.old?.hundredths == score(one.report, name))
            #expect(change.new?.hundredths == score(two.report, name))
            #expect(change.deltaHundredths == score(two.report, name) - score(one.report, name))
        }
        #expect(first.categories.map(\.deltaHundredths) == [0, -1000, 333])
        #expect(first.overall.old == one.report.scores.overall)
        #expect(first.overall.new == two.report.scores.overall)
        #expect(
            first.overall.deltaHundredths == two.report.scores.overall!.hundredths
                - one.report.scores.overall!.hundredths)
        #expect(first.oldVerdict == one.report.verdict && first.newVerdict == two.report.verdict)

        // Rendered for the body and for a terminal.
        let text = first.plainText
        #expect(text.contains("New findings (1):\n  + [high] REDIS-MAXMEMORY cache config/maxmemory (fail)"))
        #expect(text.contains("Resolved findings (1):\n  - [high] PG-SSL pg server/ssl (fail)"))
        #expect(text.contains("  resilience       10.00 -> 0.00  -10.00"))
        #expect(text.contains("  security         6.67 -> 10.00  +3.33"))
        #expect(first.markdown.contains("| `resilience` | 10.00 | 0.00 | -10.00 |"))

        // The same certification against itself: nothing changed.
        let same = try CertificationDiff(old: two.signed.json, new: two.signed.json)
        #expect(same.isEmpty)
        #expect(same.plainText.contains("New findings (0):\n  none"))
        #expect(!first.isEmpty)
    }

    @Test("A waived finding counts as resolved, an unwaived one reappears")
    func waivers() throws {
        let key = SigningKey.generate()
        let one = try issue(Fixtures.runOne, key: key)
        let waiver = Waiver(
            check: "PGB-CLIENT-IDLE", justification: "pooler replaced next sprint", expires: CalendarDate("2025-12-31")!
        )
        let waived = Fixtures.report(Fixtures.runOne, waivers: [waiver])
        let diff = CertificationDiff(
            oldFindings: one.report.findings, oldScores: one.report.scores, oldVerdict: one.report.verdict,
            newFindings: waived.findings, newScores: waived.scores, newVerdict: waived.verdict)
        #expect(diff.appeared.isEmpty)
        #expect(diff.resolved.map(\.finding.checkID) == ["PGB-CLIENT-IDLE"])
        #expect(diff.resolved.map(\.now) == [.waived])
        // The waiver is in the predicate.
        let signed = try Certifier.certify(
            CertificationInput(
                report: waived, reportJSON: JSONWriter().bytes(waived.json), reportMarkdown: "r\n",
                issuedAt: "2025-06-01T12:00:00Z", validUntil: "2025-07-01T12:00:00Z"), key: key)
        #expect(
            signed.attestation.predicate["waivers"]?.arrayValue?.first?["justification"]
                == "pooler replaced next sprint")
        #expect(signed.attestation.predicate["checks"]?.arrayValue?.count == Fixtures.checks.count)
        #expect(signed.attestation.findings == waived.findings)
        #expect(signed.attestation.scores.overall == waived.scores.overall)
        #expect(signed.attestation.scores.categories.map(\.score) == waived.scores.categories.map(\.score))
    }
}
