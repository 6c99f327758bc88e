import AssayCertify
import AssayCore
import Foundation

/// The certifications kept next to an output: `DIR/certification.json` and every file of
/// `DIR/history/`.
///
/// Every signed run adds its own certification to `history/` (named by issue time and digest), so
/// the folder holds the whole chain; ``verify(keys:)`` checks it link by link and signature by
/// signature (what `assay history DIR` prints), and ``chain(before:limit:)`` follows the links back
/// from a certification for the trend in the reports.
public struct CertificationHistory: Sendable {
    /// The folder inside the output folder.
    public static let folderName = "history"
    /// How many certifications before a run its reports' trend shows.
    public static let trendLength = 20
    /// A file larger than this is not read (it is reported as unreadable): no certification is
    /// near it, and a hostile one must not cost the run its memory.
    public static let maximumFileBytes = 64 << 20

    /// The files, named relative to the output folder (`certification.json`, `history/…`).
    public var files: [CertificationChain.File]
    /// Files that could not be read, with why.
    public var unreadable: [String]

    public init(files: [CertificationChain.File], unreadable: [String] = []) {
        self.files = files
        self.unreadable = unreadable
    }

    /// Reads the certifications of an output folder; a folder without any gives an empty history.
    public static func read(folder: String) -> CertificationHistory {
        var files: [CertificationChain.File] = []
        var unreadable: [String] = []
        func load(_ relative: String) {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(relative).path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeRegular
            else { return }
            if let size = attributes[.size] as? Int, size > maximumFileBytes {
                unreadable.append("\(relative): larger than \(maximumFileBytes >> 20) MiB")
                return
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                unreadable.append("\(relative): cannot be read")
                return
            }
            files.append(CertificationChain.File(name: relative, bytes: Array(data)))
        }
        load(AuditOutput.certificationJSONName)
        let history = URL(fileURLWithPath: folder).appendingPathComponent(folderName).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: history)) ?? []
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            load(folderName + "/" + name)
        }
        return CertificationHistory(files: files, unreadable: unreadable)
    }

    /// Checks every certification against `keys`: signatures, and each link to the one before.
    public func verify(keys: [VerifyingKey]) -> CertificationChain.Report {
        var report = CertificationChain.verify(files: files, keys: keys)
        report.breaks += unreadable
        return report
    }

    /// The newest certification: `certification.json`, else the history file issued last.
    public var latest: [UInt8]? {
        if let head = files.first(where: { $0.name == AuditOutput.certificationJSONName }) { return head.bytes }
        let dated = files.compactMap { file in (try? Attestation(certificationFile: file.bytes)).map { ($0.issuedAt, file.name, file.bytes) } }
        return dated.max { ($0.0, $0.1) < ($1.0, $1.1) }?.2
    }

    /// The certifications of the chain that ends with `head` (itself included), oldest first, at
    /// most `limit`: each found by the digest its successor names. The walk stops where a link
    /// leads to nothing kept.
    public func chain(endingWith head: [UInt8], limit: Int = trendLength) -> [Attestation] {
        guard limit > 0, let first = try? Attestation(certificationFile: head) else { return [] }
        var byDigest: [String: [UInt8]] = [:]
        for file in files {
            guard let envelope = try? SignedMarkdown.envelopeBytes(ofFile: file.bytes) else { continue }
            byDigest[Digest.sha256Hex(envelope)] = envelope
        }
        var chain = [first]
        var seen: Set<String> = []
        while chain.count < limit, let previous = chain.last?.previous, seen.insert(previous.sha256).inserted,
            let bytes = byDigest[previous.sha256], let attestation = try? Attestation(certificationFile: bytes)
        {
            chain.append(attestation)
        }
        return chain.reversed()
    }

    /// The history file name of a certification: `certification-2026-11-23T154659Z-1a2b3c4d5e6f.json`
    /// (issue time without colons, then the first 12 hex digits of its digest).
    public static func fileName(issuedAt: String, envelope: [UInt8]) -> String {
        let stamp = issuedAt.replacingOccurrences(of: ":", with: "")
        return "certification-\(stamp)-\(Digest.sha256Hex(envelope).prefix(12)).json"
    }
}
