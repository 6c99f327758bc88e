import AssayCertify
import AssayCore

/// A certification issued for a test, with the files it is about.
struct Issued {
    var report: Report
    var reportJSON: [UInt8]
    var transcript: [UInt8]?
    var signed: SignedCertification
}

/// Certifies a report over `findings` the way AssayKit does.
func issue(
    _ findings: [Finding], key: SigningKey, previous: [UInt8]? = nil, transcript: [UInt8]? = nil,
    startedAt: String = "2025-06-01T11:59:00Z", issuedAt: String = "2025-06-01T12:00:00Z",
    validUntil: String = "2025-07-01T12:00:00Z"
) throws -> Issued {
    let report = Fixtures.report(findings, startedAt: startedAt)
    let reportJSON = JSONWriter(pretty: true).bytes(report.json)
    let signed = try Certifier.certify(
        CertificationInput(
            report: report, reportJSON: reportJSON, reportMarkdown: Fixtures.markdown(report), transcript: transcript,
            previous: previous, issuedAt: issuedAt, validUntil: validUntil),
        key: key)
    return Issued(report: report, reportJSON: reportJSON, transcript: transcript, signed: signed)
}

/// 2025-06-15T00:00:00Z, inside the default validity period of ``issue``.
let midJune: Int64 = 1_749_945_600
