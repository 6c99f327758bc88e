import AssayCertify
import AssayCore
import AssayReport
import Foundation

/// Writes the files of a run into an output folder:
/// `report.json`, `report.md`, `transcript.jsonl` (when recorded) and, when signing,
/// `certification.json` and `certification.md`. A certification already in the folder becomes
/// the previous one (unless another is named) and is kept under `history/`.
public enum AuditOutput {
    /// How to sign.
    public struct Signing: Sendable {
        public var key: SigningKey
        /// The previous certification's bytes; `nil` to use the one in the output folder, if any.
        public var previous: [UInt8]?

        public init(key: SigningKey, previous: [UInt8]? = nil) {
            self.key = key
            self.previous = previous
        }
    }

    /// What was written.
    public struct Written: Sendable {
        public var paths: [String]
        public var certification: SignedCertification?
    }

    public static let reportJSONName = "report.json"
    public static let reportMarkdownName = "report.md"
    public static let transcriptName = "transcript.jsonl"
    public static let certificationJSONName = "certification.json"
    public static let certificationMarkdownName = "certification.md"

    /// The bytes of `report.json`: pretty, deterministic, ending with a newline.
    public static func reportJSON(_ report: Report) -> [UInt8] {
        JSONWriter(pretty: true).bytes(report.json)
    }

    /// Writes the result, scrubbed of its secrets first (``AuditResult/scrubbed()``): the
    /// certification signs the scrubbed bytes.
    public static func write(
        _ result: AuditResult, to directory: String, includeTranscript: Bool, signing: Signing?
    ) throws(ConfigurationError) -> Written {
        let result = result.scrubbed()
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError("cannot create the output folder \(directory): \(error.localizedDescription)")
        }
        func path(_ name: String) -> String { URL(fileURLWithPath: directory).appendingPathComponent(name).path }
        let json = reportJSON(result.report)
        let markdown = MarkdownReport.render(result.report)
        let transcript = includeTranscript ? result.transcript.bytes : nil
        var written: [String] = []
        try save(json, path(reportJSONName), &written)
        try save(Array(markdown.utf8), path(reportMarkdownName), &written)
        if let transcript { try save(transcript, path(transcriptName), &written) }
        guard let signing else { return Written(paths: written, certification: nil) }

        let existing = fm.contents(atPath: path(certificationJSONName)).map { Array($0) }
        let previous = signing.previous ?? existing
        let issued = RFC3339.unixSeconds(result.report.finishedAt) ?? Int64(Date().timeIntervalSince1970)
        let validUntil = issued + Int64(result.report.policy.validityDays) * 86_400
        let input = CertificationInput(
            report: result.report, reportJSON: json, reportMarkdown: markdown, transcript: transcript, previous: previous,
            issuedAt: RFC3339.string(unixSeconds: issued), validUntil: RFC3339.string(unixSeconds: validUntil))
        let certification: SignedCertification
        do {
            certification = try Certifier.certify(input, key: signing.key)
        } catch {
            throw ConfigurationError("cannot certify: \(error)")
        }
        if let existing, let old = try? Attestation(certificationFile: existing) {
            let stamp = old.issuedAt.replacingOccurrences(of: ":", with: "")
            let history = path("history")
            try? fm.createDirectory(atPath: history, withIntermediateDirectories: true)
            try save(existing, URL(fileURLWithPath: history).appendingPathComponent("certification-\(stamp).json").path, &written)
        }
        try save(certification.json, path(certificationJSONName), &written)
        try save(certification.markdown, path(certificationMarkdownName), &written)
        return Written(paths: written, certification: certification)
    }

    private static func save(_ bytes: [UInt8], _ path: String, _ written: inout [String]) throws(ConfigurationError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw ConfigurationError("cannot write \(path)")
        }
        written.append(path)
    }
}
