import AssayCore

/// A chain of certifications — each naming the SHA-256 of the one before it — checked link by
/// link and signature by signature.
///
/// ```swift
/// let chain = CertificationChain.verify(files: files, keys: [try KeyFiles.loadVerifyingKey(path: "public.pem")])
/// for link in chain.links { print(link.attestation?.issuedAt ?? "?", link.problems) }
/// print(chain.isIntact ? "intact" : chain.breaks.joined(separator: "\n"))
/// ```
public enum CertificationChain {
    /// A certification file to check: its name (for messages) and bytes (`certification.json` or
    /// `certification.md`).
    public struct File: Sendable {
        public var name: String
        public var bytes: [UInt8]

        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
    }

    /// How a certification joins the one before it.
    public enum LinkState: String, Sendable {
        /// The first certification kept: it chains to nothing, or to one no longer kept.
        case start
        /// Its `previous` digest is the digest of the certification before it.
        case intact
        /// Its `previous` names a certification that is not the one before it.
        case broken
        /// The file could not be read as a certification: it has no place in the chain.
        case unreadable
    }

    /// One certification of the chain.
    public struct Link: Sendable {
        /// The names it was found under (the same bytes may be both `certification.json` and a
        /// history file).
        public var names: [String]
        /// Lowercase hex SHA-256 of its envelope bytes, the digest a successor names.
        public var sha256: String
        public var attestation: Attestation?
        /// The key id of its first signature.
        public var keyID: String?
        /// Whether a given key verified its signature.
        public var signatureValid: Bool
        public var state: LinkState
        /// What is wrong with it, in words; empty when nothing is.
        public var problems: [String]

        public var name: String { names.first ?? "" }
    }

    /// The checked chain.
    public struct Report: Sendable {
        /// Oldest first (by `issued_at`, then name); unreadable files last.
        public var links: [Link]
        /// Every problem, each naming the file and what is wrong.
        public var breaks: [String]
        /// Whether every certification was readable, signed by a given key, and linked to the one
        /// before it.
        public var isIntact: Bool { breaks.isEmpty }
    }

    /// Checks `files` against `keys`: each is read, its signature verified (expiry does not
    /// matter: history is old by nature), and each certification's `previous` digest compared
    /// with the digest of the certification issued before it. Files with the same bytes count
    /// once. The first certification may name a predecessor that is no longer kept (history that
    /// was pruned); any later one that does not name the one before it breaks the chain there.
    public static func verify(files: [File], keys: [VerifyingKey]) -> Report {
        var links: [Link] = []
        var unreadable: [Link] = []
        for file in files {
            let envelope: [UInt8]
            do { envelope = try SignedMarkdown.envelopeBytes(ofFile: file.bytes) } catch {
                unreadable.append(unreadableLink(file, "\(error)"))
                continue
            }
            let digest = Digest.sha256Hex(envelope)
            if let index = links.firstIndex(where: { $0.sha256 == digest }) {
                links[index].names.append(file.name)
                continue
            }
            let attestation: Attestation
            let parsed: DSSEEnvelope
            do {
                parsed = try DSSEEnvelope(jsonBytes: envelope)
                attestation = try Attestation(certificationFile: envelope)
            } catch {
                unreadable.append(unreadableLink(file, "\(error)"))
                continue
            }
            var link = Link(
                names: [file.name], sha256: digest, attestation: attestation, keyID: parsed.signatures.first?.keyID,
                signatureValid: false, state: .intact, problems: [])
            let signers = parsed.signatures.map(\.keyID)
            if let key = keys.first(where: { signers.contains($0.keyID) }) {
                do {
                    _ = try Verifier.verify(contents: envelope, format: .json, key: key, now: 0, allowExpired: true)
                    link.signatureValid = true
                    link.keyID = key.keyID
                } catch {
                    link.problems.append("its signature does not verify: \(error)")
                }
            } else {
                link.problems.append(
                    "it is signed by key \(signers.joined(separator: ", ")), which is not among the keys given")
            }
            links.append(link)
        }
        links = chainOrder(links)
        for index in links.indices {
            guard let previous = links[index].attestation?.previous else {
                if index == 0 {
                    links[index].state = .start
                } else {
                    links[index].state = .broken
                    links[index].problems.append(
                        "it names no previous certification, though \(links[index - 1].name) was issued before it")
                }
                continue
            }
            if index == 0 {
                links[index].state = .start
                continue
            }
            let before = links[index - 1]
            if previous.sha256 == before.sha256 {
                if previous.issuedAt != before.attestation?.issuedAt || previous.verdict != before.attestation?.verdict {
                    links[index].state = .broken
                    links[index].problems.append(
                        "its link to \(before.name) says issued \(previous.issuedAt), \(previous.verdict.rawValue); "
                            + "that certification says issued \(before.attestation?.issuedAt ?? "?"), "
                            + "\(before.attestation?.verdict.rawValue ?? "?")")
                }
                continue
            }
            links[index].state = .broken
            let short = String(previous.sha256.prefix(16))
            if let other = links.first(where: { $0.sha256 == previous.sha256 }) {
                links[index].problems.append(
                    "it chains to \(other.name) (sha256:\(short)…), not to \(before.name), the certification issued "
                        + "just before it")
            } else {
                links[index].problems.append(
                    "the chain breaks here: it names previous certification sha256:\(short)… (issued \(previous.issuedAt)), "
                        + "which is not kept; the certification before it, \(before.name), has sha256:"
                        + "\(before.sha256.prefix(16))…")
            }
        }
        let all = links + unreadable
        let breaks = all.flatMap { link in link.problems.map { "\(link.name): \($0)" } }
        return Report(links: all, breaks: breaks)
    }

    /// Oldest first, by issue time, except that a certification follows the one it names as
    /// previous whenever that one is placed and nothing else already follows it: two runs issued in
    /// the same second keep their order.
    private static func chainOrder(_ links: [Link]) -> [Link] {
        // By time; at the same second, one that names no previous first (it starts a chain).
        func key(_ link: Link) -> (String, Int, String) { (link.attestation?.issuedAt ?? "", link.attestation?.previous == nil ? 0 : 1, link.name) }
        var remaining = links.sorted { key($0) < key($1) }
        var ordered: [Link] = []
        while !remaining.isEmpty {
            let last = ordered.last?.sha256
            let digests = Set(remaining.map(\.sha256))
            let next =
                remaining.firstIndex { last != nil && $0.attestation?.previous?.sha256 == last }
                ?? remaining.firstIndex { !digests.contains($0.attestation?.previous?.sha256 ?? "") }
                ?? 0
            ordered.append(remaining.remove(at: next))
        }
        return ordered
    }

    private static func unreadableLink(_ file: File, _ why: String) -> Link {
        Link(
            names: [file.name], sha256: Digest.sha256Hex(file.bytes), attestation: nil, keyID: nil, signatureValid: false,
            state: .unreadable, problems: ["it cannot be read as a certification: \(why)"])
    }
}
