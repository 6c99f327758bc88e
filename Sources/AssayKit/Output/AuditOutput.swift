import AssayCertify
import AssayCore
import Foundation

/// Writes the outputs of a run: every chosen renderer's file into the output folder (by default
/// `report.json`, `report.md`, `report.html` and, when recorded, `transcript.jsonl`), copies to
/// paths of their own (`--sarif FILE`, `--prometheus FILE`, …), and, when signing,
/// `certification.json` and `certification.md`, which sign every file written into the folder.
///
/// - **Chain.** The certification this run follows is the one named, else the folder's
///   `certification.json`, else the newest in `history/`. Reports show what changed since it and
///   the trend across the chain; every signed run adds its certification to `history/`.
/// - **Atomic as a set.** The folder's contents are replaced whole (``OutputFolder``): a run killed
///   at any point leaves the previous outputs intact and verifiable. Each copy outside the folder
///   is replaced atomically on its own (temporary file and rename).
/// - **Locked.** Two runs on one folder never interleave (``OutputLock``); pass the lock taken at
///   the start of the run, or `write` takes it.
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

    /// An output written to a path of its own, outside the output folder.
    public struct Copy: Sendable {
        public var renderer: any OutputRenderer
        public var path: String

        public init(renderer: any OutputRenderer, path: String) {
            self.renderer = renderer
            self.path = path
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
    public static let historyFolder = CertificationHistory.folderName

    /// The bytes of `report.json`: pretty, deterministic, ending with a newline.
    public static func reportJSON(_ report: Report) -> [UInt8] {
        JSONWriter(pretty: true).bytes(report.json)
    }

    /// Writes the renderers' files (``OutputRenderers/defaults`` unless told otherwise) into
    /// `directory`, the copies to their paths and, when signing, the certification over the
    /// folder's files. The result is scrubbed of its secrets first (``AuditResult/scrubbed()``):
    /// every file, and what the certification signs, is scrubbed.
    ///
    /// - Throws: ``OutputError``: `.locked` when another run holds the folder, `.writeFailed` for
    ///   a file that cannot be written or a certification that cannot be issued (the previous
    ///   outputs are then still in place).
    public static func write(
        _ result: AuditResult, to directory: String, includeTranscript: Bool, signing: Signing?,
        renderers: [any OutputRenderer] = OutputRenderers.defaults, copies: [Copy] = [], lock: OutputLock? = nil
    ) throws(OutputError) -> Written {
        let result = result.scrubbed()
        let held: OutputLock
        if let lock { held = lock } else { held = try OutputLock.acquire(folder: directory) }
        let history = CertificationHistory.read(folder: directory)
        let previousBytes = signing?.previous ?? history.latest
        let previous = previousBytes.flatMap { try? Attestation(certificationFile: $0) }
        var chain = previousBytes.map { history.withFile(named: "(previous)", $0).chain(endingWith: $0) } ?? []
        if chain.isEmpty, let previous { chain = [previous] }

        let issued = RFC3339.unixSeconds(result.report.finishedAt) ?? Int64(Date().timeIntervalSince1970)
        let validUntil = issued + Int64(result.report.policy.validityDays) * 86_400
        let input = RenderInput(
            result: result, includesTranscript: includeTranscript, previous: previous, chain: chain,
            validUntil: signing == nil ? nil : RFC3339.string(unixSeconds: validUntil))
        var files: [SignedFile] = []
        for renderer in renderers {
            guard let bytes = try renderer.render(input) else { continue }
            files.append(SignedFile(name: renderer.fileName, bytes: bytes))
        }
        var generation = OutputFolder.Generation(
            files: files.map { ($0.name, $0.bytes) }, history: [],
            owned: Set(OutputRenderers.all.map(\.fileName) + [certificationJSONName, certificationMarkdownName]))
        var certification: SignedCertification?
        if let signing {
            var markdownBytes = files.first { $0.name == reportMarkdownName }?.bytes
            if markdownBytes == nil { markdownBytes = try ReportMarkdownRenderer().render(input) }
            var certificationInput = CertificationInput(
                report: result.report, files: files, reportMarkdown: String(decoding: markdownBytes ?? [], as: UTF8.self),
                previous: previousBytes, issuedAt: RFC3339.string(unixSeconds: issued), validUntil: RFC3339.string(unixSeconds: validUntil))
            certificationInput.diffInBody = false  // report.md carries "Since the previous certification"
            let signed: SignedCertification
            do {
                signed = try Certifier.certify(certificationInput, key: signing.key)
            } catch {
                throw OutputError("cannot certify: \(error)")
            }
            certification = signed
            generation.files += [(certificationMarkdownName, signed.markdown), (certificationJSONName, signed.json)]
            // The chain, kept whole: the previous certification (if history lacks it) and this one.
            if let previousBytes, let envelope = try? SignedMarkdown.envelopeBytes(ofFile: previousBytes), let previous,
                !history.contains(envelope: envelope)
            {
                generation.history.append((CertificationHistory.fileName(issuedAt: previous.issuedAt, envelope: envelope), envelope))
            }
            generation.history.append((CertificationHistory.fileName(issuedAt: signed.attestation.issuedAt, envelope: signed.json), signed.json))
        }
        var written = try OutputFolder.replace(directory, with: generation)
        withExtendedLifetime(held) {}
        written += try writeCopies(copies, input)
        return Written(paths: written, certification: certification)
    }

    /// Writes outputs to paths of their own, each atomically (for `--sarif FILE` without `--out`).
    public static func write(_ result: AuditResult, copies: [Copy], includeTranscript: Bool = false) throws(OutputError) -> [String] {
        try writeCopies(copies, RenderInput(result: result.scrubbed(), includesTranscript: includeTranscript))
    }

    private static func writeCopies(_ copies: [Copy], _ input: RenderInput) throws(OutputError) -> [String] {
        var written: [String] = []
        for copy in copies {
            guard let bytes = try copy.renderer.render(input) else { continue }
            let folder = URL(fileURLWithPath: copy.path).deletingLastPathComponent().path
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw OutputError("cannot create the folder \(folder): \(error.localizedDescription)")
            }
            try AtomicFile.write(bytes, to: copy.path)
            written.append(copy.path)
        }
        return written
    }

    static func path(_ directory: String, _ name: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }
}

extension CertificationHistory {
    /// This history with one more file (a previous certification named from elsewhere).
    func withFile(named name: String, _ bytes: [UInt8]) -> CertificationHistory {
        CertificationHistory(files: files + [CertificationChain.File(name: name, bytes: bytes)], unreadable: unreadable)
    }

    /// Whether a history file holds these envelope bytes.
    func contains(envelope: [UInt8]) -> Bool {
        files.contains { $0.name.hasPrefix(Self.folderName + "/") && ((try? SignedMarkdown.envelopeBytes(ofFile: $0.bytes)) ?? $0.bytes) == envelope }
    }
}
