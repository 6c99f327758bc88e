import AssayCore
import Testing

@testable import AssayCertify

/// Any change to a signed byte makes verification fail, with the error that names it.
@Suite("Tampering")
struct TamperTests {
    let key = SigningKey.generate()
    let issued: Issued

    init() throws {
        issued = try issue(Fixtures.runOne, key: key, transcript: Array("{\"request\":\"SHOW CONFIG\"}\n".utf8))
    }

    func verify(
        _ bytes: [UInt8], _ format: CertificationFormat, now: Int64 = midJune, allowExpired: Bool = false,
        siblings: [String: [UInt8]] = [:]
    ) throws -> VerifiedCertification {
        try Verifier.verify(
            contents: bytes, format: format, key: key.publicKey, now: now, allowExpired: allowExpired,
            siblings: siblings)
    }

    /// The error code of verifying `bytes`, or `nil` when it verifies.
    func failure(_ bytes: [UInt8], _ format: CertificationFormat) -> CertificationError.Code? {
        do {
            _ = try verify(bytes, format)
            return nil
        } catch let error as CertificationError {
            return error.code
        } catch {
            return .malformedEnvelope
        }
    }

    /// `bytes` with the byte at `index` replaced by another printable byte.
    func changed(_ bytes: [UInt8], at index: Int) -> [UInt8] {
        var copy = bytes
        copy[index] = copy[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        return copy
    }

    /// The byte range of the string value of `member` in envelope JSON bytes.
    func valueRange(of member: String, in json: [UInt8]) -> Range<Int> {
        let needle = Array("\"\(member)\": \"".utf8)
        let start =
            (0...(json.count - needle.count)).first { json[$0..<($0 + needle.count)].elementsEqual(needle) }!
            + needle.count
        let end = json[start...].firstIndex(of: UInt8(ascii: "\""))!
        return start..<end
    }

    @Test("The untouched certification verifies in both forms, with its siblings")
    func untouched() throws {
        let siblings = ["report.json": issued.reportJSON, "transcript.jsonl": issued.transcript!]
        let md = try verify(issued.signed.markdown, .markdown, siblings: siblings)
        #expect(md.verdict == .notCertified)
        #expect(md.keyID == key.publicKey.keyID)
        #expect(md.issuedAt == "2025-06-01T12:00:00Z")
        #expect(md.validUntil == "2025-07-01T12:00:00Z")
        #expect(md.subjectsChecked == ["certification.md", "report.json", "transcript.jsonl"])
        #expect(!md.isExpired)
        let json = try verify(issued.signed.json, .json, siblings: ["certification.md": issued.signed.markdown])
        #expect(json.subjectsChecked == ["certification.md"])
        #expect(json.attestation == md.attestation)
        #expect(CertificationFormat(fileName: "out/certification.md") == .markdown)
        #expect(CertificationFormat(fileName: "out/certification.json") == .json)
        // certification.md is BODY, "\n", the marker line, the fenced envelope.
        let expected =
            issued.signed.body + Array("\n<!-- assay-signature v1 -->\n```json\n".utf8) + issued.signed.json
            + Array("```\n".utf8)
        #expect(issued.signed.markdown == expected)
    }

    @Test("Changing any of many bytes of the Markdown body fails the body digest")
    func markdownBody() {
        let body = issued.signed.body
        #expect(body.count > 1000)
        var tried = 0
        for index in stride(from: 0, to: body.count, by: 7) + [body.count - 1] {
            #expect(failure(changed(issued.signed.markdown, at: index), .markdown) == .subjectMismatch, "byte \(index)")
            tried += 1
        }
        #expect(tried > 140)
        // Removing or adding the final newline of the body, too.
        var shorter = issued.signed.markdown
        shorter.remove(at: body.count - 1)
        #expect(failure(shorter, .markdown) == .subjectMismatch)
        var longer = issued.signed.markdown
        longer.insert(0x0A, at: body.count)
        #expect(failure(longer, .markdown) == .subjectMismatch)
    }

    @Test("Changing the payload's base64 text fails, in both forms")
    func payloadText() {
        let json = issued.signed.json
        let range = valueRange(of: "payload", in: json)
        #expect(range.count > 2000)
        var tried = 0
        for index in stride(from: range.lowerBound, to: range.upperBound, by: 7) + [range.upperBound - 1] {
            let code = failure(changed(json, at: index), .json)
            #expect(code == .signatureInvalid || code == .malformedEnvelope, "byte \(index)")
            let inMarkdown = issued.signed.body.count + 1 + "<!-- assay-signature v1 -->\n```json\n".utf8.count + index
            let mdCode = failure(changed(issued.signed.markdown, at: inMarkdown), .markdown)
            #expect(mdCode == .signatureInvalid || mdCode == .malformedEnvelope, "byte \(index) of the fenced block")
            tried += 1
        }
        #expect(tried > 280)
        // A character outside the alphabet, and a different valid character, at seeded positions.
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<50 {
            let index = Int.random(in: range, using: &generator)
            var copy = json
            copy[index] = UInt8(ascii: "*")
            #expect(failure(copy, .json) == .malformedEnvelope)
            copy[index] = json[index] == UInt8(ascii: "z") ? UInt8(ascii: "y") : UInt8(ascii: "z")
            let code = failure(copy, .json)
            #expect(code == .signatureInvalid || code == .malformedEnvelope)
        }
    }

    @Test("Changing bytes of the decoded statement fails the signature")
    func decodedStatement() throws {
        let envelope = try DSSEEnvelope(jsonBytes: issued.signed.json)
        let statement = envelope.payload
        var tried = 0
        for index in stride(from: 0, to: statement.count, by: 7) {
            var forged = envelope
            forged.payload = changed(statement, at: index)
            #expect(failure(forged.fileBytes, .json) == .signatureInvalid, "byte \(index)")
            tried += 1
        }
        #expect(tried > 200)
    }

    @Test("Changing the signature fails")
    func signature() {
        let json = issued.signed.json
        let range = valueRange(of: "sig", in: json)
        #expect(range.count == 88)
        for index in range {
            let code = failure(changed(json, at: index), .json)
            #expect(code == .signatureInvalid || code == .malformedEnvelope, "byte \(index)")
        }
        // Bytes of the decoded signature, re-encoded canonically.
        let envelope = try! DSSEEnvelope(jsonBytes: json)
        for index in 0..<64 {
            var forged = envelope
            forged.signatures[0].sig = changed(envelope.signatures[0].sig, at: index)
            #expect(failure(forged.fileBytes, .json) == .signatureInvalid)
        }
    }

    @Test("Changing the payload type fails")
    func payloadType() throws {
        let json = issued.signed.json
        let range = valueRange(of: "payloadType", in: json)
        #expect(range.count == DSSEEnvelope.inTotoPayloadType.utf8.count)
        for index in range {
            #expect(failure(changed(json, at: index), .json) == .wrongPayloadType, "byte \(index)")
        }
        // Re-signed with another type, the signature is valid but the type is not in-toto.
        let envelope = try DSSEEnvelope(jsonBytes: json)
        let other = DSSEEnvelope.sign(payload: envelope.payload, payloadType: "application/json", with: key)
        let error = #expect(throws: CertificationError.self) { try verify(other.fileBytes, .json) }
        #expect(error?.code == .wrongPayloadType)
        // The original signature over the original type does not cover a changed type.
        var swapped = envelope
        swapped.payloadType = "application/vnd.in-toto+jsoN"
        #expect(failure(swapped.fileBytes, .json) == .wrongPayloadType)
    }

    @Test("A different key fails, naming both keys")
    func differentKey() throws {
        let stranger = SigningKey.generate()
        let error = #expect(throws: CertificationError.self) {
            try Verifier.verify(contents: issued.signed.json, format: .json, key: stranger.publicKey, now: midJune)
        }
        #expect(error?.code == .keyIDMismatch)
        #expect(error?.description.contains(stranger.publicKey.keyID) == true)
        #expect(error?.description.contains(key.publicKey.keyID) == true)
        // The stranger's key id written into the envelope: the signature still does not verify.
        var envelope = try DSSEEnvelope(jsonBytes: issued.signed.json)
        envelope.signatures[0].keyID = stranger.publicKey.keyID
        let forged = #expect(throws: CertificationError.self) {
            try Verifier.verify(contents: envelope.fileBytes, format: .json, key: stranger.publicKey, now: midJune)
        }
        #expect(forged?.code == .signatureInvalid)
        #expect(forged?.description == "signature does not verify with key \(stranger.publicKey.keyID)")
        // Signed by the stranger, claiming to be ours.
        var impostor = DSSEEnvelope.sign(payload: envelope.payload, payloadType: envelope.payloadType, with: stranger)
        impostor.signatures[0].keyID = key.publicKey.keyID
        #expect(failure(impostor.fileBytes, .json) == .signatureInvalid)
    }

    @Test("An expired certification fails unless expired ones are allowed")
    func expired() throws {
        let until = RFC3339.unixSeconds("2025-07-01T12:00:00Z")!
        #expect(try verify(issued.signed.markdown, .markdown, now: until).isExpired == false)
        let error = #expect(throws: CertificationError.self) {
            try verify(issued.signed.markdown, .markdown, now: until + 1)
        }
        #expect(error?.code == .expired)
        #expect(error?.description.contains("2025-07-01T12:00:00Z") == true)
        let allowed = try verify(issued.signed.markdown, .markdown, now: until + 86_400 * 365, allowExpired: true)
        #expect(allowed.isExpired)
        #expect(allowed.verdict == .notCertified)
        // Allowing expired certifications does not allow anything else.
        #expect(throws: CertificationError.self) {
            try verify(changed(issued.signed.markdown, at: 3), .markdown, now: until + 1, allowExpired: true)
        }
    }

    @Test("A report.json or transcript from another run fails its subject")
    func swappedSubject() throws {
        let other = try issue(
            Fixtures.runOne, key: key, transcript: Array("{\"request\":\"SHOW POOLS\"}\n".utf8),
            startedAt: "2025-05-01T11:59:00Z", issuedAt: "2025-05-01T12:00:00Z")
        #expect(other.reportJSON != issued.reportJSON)
        #expect(other.signed.body != issued.signed.body)
        let report = #expect(throws: CertificationError.self) {
            try verify(issued.signed.markdown, .markdown, siblings: ["report.json": other.reportJSON])
        }
        #expect(report?.code == .subjectMismatch)
        #expect(report?.description.contains("report.json") == true)
        let transcript = #expect(throws: CertificationError.self) {
            try verify(issued.signed.json, .json, siblings: ["transcript.jsonl": other.transcript!])
        }
        #expect(transcript?.code == .subjectMismatch)
        let markdown = #expect(throws: CertificationError.self) {
            try verify(issued.signed.json, .json, siblings: ["certification.md": other.signed.markdown])
        }
        #expect(markdown?.code == .subjectMismatch)
        let unknown = #expect(throws: CertificationError.self) {
            try verify(issued.signed.json, .json, siblings: ["notes.txt": []])
        }
        #expect(unknown?.code == .unknownSubject)
        // Without a transcript, there is no transcript subject.
        let bare = try issue(Fixtures.runOne, key: key)
        #expect(bare.signed.attestation.subjects.map(\.name) == ["certification.md", "report.json"])
        #expect(
            issued.signed.attestation.subjects.map(\.name) == ["certification.md", "report.json", "transcript.jsonl"])
    }

    @Test("Payloads that are not Assay statements fail")
    func notAStatement() throws {
        func signed(_ payload: String) -> [UInt8] {
            DSSEEnvelope.sign(payload: Array(payload.utf8), payloadType: DSSEEnvelope.inTotoPayloadType, with: key)
                .fileBytes
        }
        #expect(failure(signed("hello"), .json) == .notAStatement)
        #expect(failure(signed("{\"_type\":\"https://in-toto.io/Statement/v0.1\"}"), .json) == .notAStatement)
        let statement = String(decoding: issued.signed.statement, as: UTF8.self)
        let slsa = statement.replacingOccurrences(
            of: "https://assay.dev/certification/v1", with: "https://slsa.dev/provenance/v1")
        #expect(failure(signed(slsa), .json) == .wrongPredicateType)
        let noVerdict = statement.replacingOccurrences(
            of: "\"verdict\":\"NOT CERTIFIED\"", with: "\"verdict\":\"MAYBE\"")
        #expect(failure(signed(noVerdict), .json) == .notAStatement)
    }

    @Test("Malformed files fail as malformed envelopes")
    func malformed() {
        #expect(failure(Array("{}".utf8), .json) == .malformedEnvelope)
        #expect(failure(Array("not json".utf8), .json) == .malformedEnvelope)
        #expect(failure(issued.signed.body, .markdown) == .malformedEnvelope)  // no marker line
        #expect(failure(issued.signed.markdown, .json) == .malformedEnvelope)
        let noFence = issued.signed.body + Array("\n<!-- assay-signature v1 -->\n".utf8) + issued.signed.json
        #expect(failure(noFence, .markdown) == .malformedEnvelope)
        var noSignatures = try! JSONParser.parse(issued.signed.json).objectValue!
        noSignatures["signatures"] = .array([])
        #expect(failure(JSONWriter().bytes(.object(noSignatures)), .json) == .malformedEnvelope)
    }

    @Test("Certify refuses inconsistent input")
    func invalidInput() throws {
        let report = Fixtures.report(Fixtures.runOne)
        let json = JSONWriter(pretty: true).bytes(report.json)
        func attempt(_ input: CertificationInput) -> CertificationError? {
            #expect(throws: CertificationError.self) { try Certifier.certify(input, key: key) }
        }
        let badDate = attempt(
            CertificationInput(
                report: report, reportJSON: json, reportMarkdown: "", issuedAt: "yesterday",
                validUntil: "2025-07-01T12:00:00Z"))
        #expect(badDate?.code == .invalidInput)
        let backwards = attempt(
            CertificationInput(
                report: report, reportJSON: json, reportMarkdown: "", issuedAt: "2025-07-01T12:00:00Z",
                validUntil: "2025-06-01T12:00:00Z"))
        #expect(backwards?.code == .invalidInput)
        let otherJSON = attempt(
            CertificationInput(
                report: report, reportJSON: Array("{}".utf8), reportMarkdown: "",
                issuedAt: "2025-06-01T12:00:00Z", validUntil: "2025-07-01T12:00:00Z"))
        #expect(otherJSON?.code == .invalidInput)
        let marker = attempt(
            CertificationInput(
                report: report, reportJSON: json, reportMarkdown: "x\n<!-- assay-signature v1 -->\ny",
                issuedAt: "2025-06-01T12:00:00Z", validUntil: "2025-07-01T12:00:00Z"))
        #expect(marker?.code == .invalidInput)
        // A Markdown report without a final newline still gives a body ending with one.
        let signed = try Certifier.certify(
            CertificationInput(
                report: report, reportJSON: json, reportMarkdown: "no newline",
                issuedAt: "2025-06-01T12:00:00Z", validUntil: "2025-07-01T12:00:00Z"), key: key)
        #expect(signed.body.suffix(11) == Array("no newline\n".utf8))
        #expect(
            try Verifier.verify(contents: signed.markdown, format: .markdown, key: key.publicKey, now: midJune)
                .subjectsChecked == ["certification.md"])
    }
}

/// SplitMix64: the same positions on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
