import AssayCore
import Testing

func finding(_ id: String, _ severity: Severity, _ status: Status, category: String = "security", resource: String = "r") -> Finding {
    Finding(checkID: id, title: id, severity: severity, category: category, status: status, target: "t", resource: resource, message: "m")
}

@Suite("Scores, compliance and verdicts")
struct ScoringTests {
    @Test func categoryScoreIsTheShareOfWeightPassed() {
        // high 5 passed + medium 3 failed + critical 10 error → 5 / 18 → 2.78
        let findings = [finding("A", .high, .pass), finding("B", .medium, .fail), finding("C", .critical, .error)]
        let scores = Scores.compute(findings, policy: Policy())
        #expect(scores.categories.map(\.name) == ["security"])
        #expect(scores.categories[0].score?.description == "2.78")
        #expect(scores.overall?.description == "2.78")
        #expect(scores.compliance.passed == 1)
        #expect(scores.compliance.applicable == 3)
        #expect(scores.compliance.percent?.description == "33.33")
    }

    /// Checks are counted as checks: one failed resource fails its check, an error too, and a
    /// check with only skips and waivers is not applicable.
    @Test func complianceCountsChecksAsWellAsFindings() {
        let findings = [
            finding("A", .high, .pass, resource: "1"), finding("A", .high, .pass, resource: "2"),
            finding("B", .high, .pass, resource: "1"), finding("B", .high, .fail, resource: "2"),
            finding("C", .high, .error), finding("D", .high, .skip), finding("E", .high, .waived), finding("F", .low, .pass),
        ]
        let compliance = Scores.compute(findings, policy: Policy()).compliance
        #expect(compliance.passed == 4)
        #expect(compliance.applicable == 6)
        #expect(compliance.checksPassed == 2)
        #expect(compliance.checksApplicable == 4)
    }

    @Test func errorsAreNeverPassesAndSkipsAndWaiversDoNotCount() {
        let findings = [
            finding("A", .high, .error), finding("B", .high, .skip), finding("C", .high, .waived), finding("D", .info, .pass),
        ]
        let scores = Scores.compute(findings, policy: Policy())
        #expect(scores.categories[0].score?.description == "0.00")
        #expect(scores.compliance.passed == 1)
        #expect(scores.compliance.applicable == 2)
    }

    @Test func overallIsTheWeightedMeanOfCategories() {
        let findings = [
            finding("A", .high, .pass, category: "security"), finding("B", .high, .fail, category: "capacity"),
        ]
        #expect(Scores.compute(findings, policy: Policy()).overall?.description == "5.00")
        var policy = Policy()
        policy.categoryWeights = ["security": 3]
        #expect(Scores.compute(findings, policy: policy).overall?.description == "7.50")
    }

    @Test func verdictFollowsThePolicy() {
        let clean = (0..<9).map { finding("P\($0)", .medium, .pass, resource: "\($0)") } + [finding("L", .low, .fail)]
        let policy = Policy()
        #expect(policy.decide(clean, scores: Scores.compute(clean, policy: policy)).verdict == .certified)

        let oneHigh = clean + [finding("H", .high, .fail)]
        let decision = policy.decide(oneHigh, scores: Scores.compute(oneHigh, policy: policy))
        #expect(decision.verdict == .conditional)
        #expect(decision.reasons == ["1 open high finding (at most 0 for CERTIFIED)"])

        let critical = clean + [finding("C", .critical, .fail)]
        #expect(policy.decide(critical, scores: Scores.compute(critical, policy: policy)).verdict == .notCertified)

        let withError = clean + [finding("E", .info, .error)]
        #expect(policy.decide(withError, scores: Scores.compute(withError, policy: policy)).verdict == .conditional)
    }

    @Test func scoresParseAndPrintExactly() {
        #expect(Score("7.25")?.hundredths == 725)
        #expect(Score("8")?.description == "8.00")
        #expect(Score(ratio: 2, 3).description == "6.67")
        #expect(Score(hundredths: 725).json == .double(7.25))
    }
}

@Suite("Waivers")
struct WaiverTests {
    let day = CalendarDate("2026-11-23")!

    @Test func activeWaiverWaivesAndExpiredOneDoesNot() {
        let findings = [finding("A", .high, .fail, resource: "x"), finding("B", .high, .fail), finding("C", .high, .pass)]
        let waivers = [
            Waiver(check: "A", resource: "x", justification: "accepted", expires: CalendarDate("2026-12-31")!),
            Waiver(check: "B", justification: "was accepted", expires: CalendarDate("2026-11-22")!),
            Waiver(check: "Z", justification: "nothing", expires: CalendarDate("2027-01-01")!),
        ]
        let (result, outcomes) = Waiver.apply(waivers, to: findings, on: day)
        #expect(result.map(\.status) == [.waived, .fail, .pass])
        #expect(result[1].waiver?.check == "B")
        #expect(outcomes.map(\.state) == [.active, .expired, .unused])
        #expect(outcomes.map(\.matched) == [1, 1, 0])
    }

    @Test func expiryIsInclusiveAndPrefixesMatch() {
        let w = Waiver(check: "A", resource: "pool/*", justification: "j", expires: day)
        #expect(!w.isExpired(on: day))
        #expect(w.isExpired(on: day.adding(days: 1)))
        #expect(w.matches(finding("A", .low, .fail, resource: "pool/app/app")))
        #expect(!w.matches(finding("A", .low, .fail, resource: "container/x")))
    }

    @Test func calendarArithmetic() {
        #expect(CalendarDate(unixSeconds: 0).description == "1970-01-01")
        #expect(CalendarDate(unixSeconds: 1_795_392_000).description == "2026-11-23")
        #expect(CalendarDate("2024-02-28")!.adding(days: 1).description == "2024-02-29")
        #expect(CalendarDate("2026-02-29") == nil)
    }
}
