import AssayCertify
import AssayCore
import Foundation

/// Writes the outputs of a run into a folder: every chosen renderer's file (by default
/// `report.json`, `report.md` and, when recorded, `transcript.jsonl`) and, when signing,
/// `certification.json` and `certification.md`, which sign every other file written. A
/// certification already in the folder becomes the previous one (unless another is named) and is
/// kept under `history/`.
///
/// Each file is written whole to a temporary name and renamed into place, so a reader (or a run
/// killed half-way) never sees half a file; the certification is renamed last.
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

    public static let reportJSONName = ReportJSONRenderer().fileName
    public static let reportMarkdownName = ReportMarkdownRenderer().fileName
    public static let transcriptName = TranscriptRenderer().fileName
    public static let certificationJSONName = "certification.json"
    public static let certificationMarkdownName = "certification.md"
    public static let historyFolder = "history"

    /// The bytes of `report.json`: pretty, deterministic, ending with a newline.
    public static func reportJSON(_ report: Report) -> [UInt8] {
        JSONWriter(pretty: true).bytes(report.json)
    }

    /// Writes the renderers' files (all of ``OutputRenderers/all`` unless told otherwise) and,
    /// when signing, the certification over them. The result is scrubbed of its secrets first
    /// (``AuditResult/scrubbed()``): every file, and what the certification signs, is scrubbed.
    public static func write(
        _ result: AuditResult, to directory: String, includeTranscript: Bool, signing: Signing?,
        renderers: [any OutputRenderer] = OutputRenderers.all
    ) throws(OutputError) -> Written {
        let result = result.scrubbed()
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputError("cannot create the output folder \(directory): \(reason(error))")
        }
        let input = RenderInput(result: result, includesTranscript: includeTranscript)
        var files: [SignedFile] = []
        for renderer in renderers {
            guard let bytes = try renderer.render(input) else { continue }
            files.append(SignedFile(name: renderer.fileName, bytes: bytes))
        }
        var written: [String] = []
        for file in files { try save(file.bytes, path(directory, file.name), &written) }
        guard let signing else { return Written(paths: written, certification: nil) }

        let existing = FileManager.default.contents(atPath: path(directory, certificationJSONName)).map { Array($0) }
        let issued = RFC3339.unixSeconds(result.report.finishedAt) ?? Int64(Date().timeIntervalSince1970)
        let validUntil = issued + Int64(result.report.policy.validityDays) * 86_400
        var markdownBytes = files.first { $0.name == reportMarkdownName }?.bytes
        if markdownBytes == nil { markdownBytes = try ReportMarkdownRenderer().render(input) }
        let markdown = String(decoding: markdownBytes ?? [], as: UTF8.self)
        let certificationInput = CertificationInput(
            report: result.report, files: files, reportMarkdown: markdown, previous: signing.previous ?? existing,
            issuedAt: RFC3339.string(unixSeconds: issued), validUntil: RFC3339.string(unixSeconds: validUntil))
        let certification: SignedCertification
        do {
            certification = try Certifier.certify(certificationInput, key: signing.key)
        } catch {
            throw OutputError("cannot certify: \(error)")
        }
        if let existing, let old = try? Attestation(certificationFile: existing) {
            let stamp = old.issuedAt.replacingOccurrences(of: ":", with: "")
            let history = path(directory, historyFolder)
            try? FileManager.default.createDirectory(atPath: history, withIntermediateDirectories: true)
            try save(existing, path(history, "certification-\(stamp).json"), &written)
        }
        try save(certification.markdown, path(directory, certificationMarkdownName), &written)
        try save(certification.json, path(directory, certificationJSONName), &written)
        return Written(paths: written, certification: certification)
    }

    static func path(_ directory: String, _ name: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }

    /// Writes `bytes` to a temporary file beside `path`, flushes it to disk, and renames it into place.
    static func save(_ bytes: [UInt8], _ path: String, _ written: inout [String]) throws(OutputError) {
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            let url = URL(fileURLWithPath: temporary)
            try Data(bytes).write(to: url)
            let handle = try FileHandle(forWritingTo: url)
            try handle.synchronize()
            try handle.close()
            if rename(temporary, path) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw OutputError("cannot write \(path): \(reason(error))")
        }
        written.append(path)
    }

    private static func reason(_ error: any Error) -> String {
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
