import AssayCertify
import AssayConnectors
import AssayCore
import AssayKit
import Foundation

/// One reader of untrusted bytes that the harness feeds: a configuration parser (through the
/// files connector, reading as a real run reads), a protocol reader, a transcript or a
/// certification. `run` must return — accepting or refusing the input — for every input; a
/// crash, a hang or a runaway allocation is what the harness is looking for.
public struct FuzzTarget: Sendable {
    /// What a reader made of one input.
    public enum Outcome: Sendable, Equatable {
        case accepted
        case refused
    }

    /// `files.compose`, `resp`, `transcript`, …: the corpus folder's name too.
    public let name: String
    /// Tokens of the format the mutator inserts.
    let dictionary: [[UInt8]]
    /// Reads one input; returns whether it was accepted.
    public let run: @Sendable ([UInt8]) -> Outcome

    /// Every target, in a fixed order.
    public static let all: [FuzzTarget] =
        FileReaders.targets + [
            resp, json, dockerJSON, sql, transcript, certificationMarkdown, certificationJSON, certificationStatement,
        ]

    public static func named(_ name: String) -> FuzzTarget? { (all + selfTests).first { $0.name == name } }

    /// Targets that crash or hang on every input whose length is a multiple of 3: they prove, in
    /// the test suite, that the harness sees crashes and hangs and saves the right input.
    public static let selfTests: [FuzzTarget] = [
        FuzzTarget(name: "selftest.crash", dictionary: tokens(["ab"])) { bytes in
            if bytes.count % 3 == 0 { fatalError("selftest.crash: an input of \(bytes.count) bytes") }
            return .accepted
        },
        FuzzTarget(name: "selftest.hang", dictionary: tokens(["ab"])) { bytes in
            while bytes.count % 3 == 0 { sleep(60) }
            return .accepted
        },
    ]

    // MARK: - Protocol readers

    /// The RESP2 frame scanner that stands before hiredis, fed in two pieces.
    static let resp = FuzzTarget(name: "resp", dictionary: tokens(["*", "$", "+OK\r\n", "-ERR x\r\n", ":", "\r\n", "*1048576\r\n", "$9223372036854775807\r\n", "*-1\r\n", "$-1\r\n", "*3\r\n*3\r\n*3\r\n"])) { bytes in
        var scanner = RESPFrameScanner(limits: ReplyLimits())
        let half = bytes.count / 2
        do {
            var progress = try bytes[..<half].withUnsafeBytes { try scanner.scan($0) }
            if case .needsMore = progress { progress = try bytes[half...].withUnsafeBytes { try scanner.scan($0) } }
            return progress == .needsMore ? .refused : .accepted
        } catch {
            return .refused
        }
    }

    /// The JSON reader every Docker answer and every worker message goes through.
    static let json = FuzzTarget(name: "json", dictionary: tokens(["{", "}", "[", "]", "\"", "\\u0000", "\\ud800", "1e999999", "-0", ",", ":", "null", "true", "\"\\", "0.0000000000000000000000001"])) { bytes in
        (try? JSONParser.parse(bytes, limits: .init(values: 1_000_000, depth: 64))) == nil ? .refused : .accepted
    }

    /// Docker's JSON as the connector takes it: parsed within limits, then redacted.
    static let dockerJSON = FuzzTarget(name: "docker-json", dictionary: tokens(["\"Env\":", "\"Labels\":", "\"LogConfig\":", "\"Config\":", "\"HostConfig\":", "\"PASSWORD=x\"", "[", "{", "\"Cmd\":"])) { bytes in
        guard let value = try? JSONParser.parse(bytes, limits: .init(values: 1_000_000, depth: 64)) else { return .refused }
        _ = DockerRedaction.redactInspect(value)
        return .accepted
    }

    /// The SQL lexer that refuses a check's statement before the server sees it.
    static let sql = FuzzTarget(name: "sql", dictionary: tokens(["--", "/*", "*/", "'", "\"", "$$", "$a$", "\r", ";", "E'\\'", "U&'", "pg_reload_conf()", "EXPLAIN (\"analyze\")", "SELECT", "COPY"])) { bytes in
        StatementInspector.preflight(String(decoding: bytes, as: UTF8.self)) == nil ? .accepted : .refused
    }

    /// A `--replay` transcript.
    static let transcript = FuzzTarget(name: "transcript", dictionary: tokens(["{\"assay_transcript\": 1", "\"target\":", "\"operation\":", "\"arguments\":", "\"result\":", "\"error\":", "\n", "{", "["])) { bytes in
        (try? Transcript(bytes: bytes)) == nil ? .refused : .accepted
    }

    /// A signed Markdown certification, verified with the example's public key.
    static let certificationMarkdown = FuzzTarget(name: "certification.md", dictionary: tokens(["```json\n", "```\n", "<!-- assay-signature -->", "\"payload\":", "\"signatures\":", "\"keyid\":", "\"sig\":"])) { bytes in
        verify(bytes, format: .markdown)
    }

    /// A JSON (DSSE envelope) certification.
    static let certificationJSON = FuzzTarget(name: "certification.json", dictionary: tokens(["\"payload\":", "\"payloadType\":", "\"signatures\":", "\"keyid\":", "\"sig\":", "\"=\"", "{", "["])) { bytes in
        verify(bytes, format: .json)
    }

    /// An in-toto statement, signed here so that verification reaches every step after the
    /// signature: the statement, the predicate, the subjects and the validity.
    static let certificationStatement = FuzzTarget(name: "certification.statement", dictionary: tokens(["\"_type\":", "\"subject\":", "\"predicateType\":", "\"predicate\":", "\"digest\":", "\"sha256\":", "\"valid_until\":", "\"https://in-toto.io/Statement/v1\"", "{", "["])) { bytes in
        let envelope = DSSEEnvelope.sign(payload: bytes, payloadType: DSSEEnvelope.inTotoPayloadType, with: FuzzKeys.signing)
        return verify(envelope.fileBytes, format: .json)
    }

    private static func verify(_ bytes: [UInt8], format: CertificationFormat) -> Outcome {
        let verified = try? Verifier.verify(
            contents: bytes, format: format, key: FuzzKeys.signing.publicKey, now: 0, allowExpired: true)
        return verified == nil ? .refused : .accepted
    }

    static func tokens(_ texts: [String]) -> [[UInt8]] { texts.map { Array($0.utf8) } }
}

/// The key statements are signed and verified with, generated once per process.
enum FuzzKeys {
    static let signing = SigningKey.generate()
}
