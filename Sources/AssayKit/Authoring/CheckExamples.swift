import AssayConnectors
import AssayCore
import AssayLua
import Foundation
import Yams

/// Examples a check carries next to it, run offline by `assay checks test`:
///
/// ```
/// my-check.lua
/// my-check.test/
///   NAME/
///     expect.json        { "inputs": {…}?, "transcript": "path"?, "findings": [ { "status", "resource"?, "message"?, "severity"? } ] }
///                        (or expect.yaml, the same document in YAML)
///     files/             a folder audited as the files target (a files check), or
///     transcript.jsonl   a recorded run (`assay run --record`), replayed with no server
/// ```
///
/// `"transcript"` names a recorded run elsewhere, relative to the example's folder, so that the
/// checks of one kind share one recording of a server (`checks/postgres/transcripts/stack.jsonl`).
///
/// An example passes when the check's findings are exactly the expected ones, in any order: each
/// expected finding matches one finding by status, resource (equal) and message (a regular
/// expression searched in it), and no finding is left over. The check runs alone, in the
/// sandbox, through the same ``Auditor`` as `assay run` (and `--replay` for transcripts).
public enum CheckExamples {
    /// One example's result.
    public struct Outcome: Sendable {
        /// `builtin/files/x.lua`'s example `passing`: `X-ID passing`.
        public var check: String
        public var example: String
        public var path: String
        /// Why it failed; empty when it passed.
        public var problems: [String]

        public var passed: Bool { problems.isEmpty }

        /// `ok    X-ID passing` or `FAIL  X-ID failing: why; why`.
        public var line: String {
            passed ? "ok    \(check) \(example)" : "FAIL  \(check) \(example) (\(path)): \(problems.joined(separator: "; "))"
        }
    }

    /// One expected finding.
    struct Expected {
        var status: Status
        var resource: String?
        var message: Regex<AnyRegexOutput>?
        var messageText: String?
        var severity: Severity?

        func matches(_ f: Finding) -> Bool {
            f.status == status && (resource.map { $0 == f.resource } ?? true)
                && (message.map { f.message.firstMatch(of: $0) != nil } ?? true) && (severity.map { $0 == f.severity } ?? true)
        }

        var text: String {
            [status.rawValue, resource, messageText.map { "/\($0)/" }, severity?.rawValue].compactMap { $0 }.joined(separator: " ")
        }
    }

    /// The examples of every check under `path` (a folder or one check file), each run.
    public static func run(at path: String, registry: TargetKindRegistry = .builtin) throws(ConfigurationError) -> [Outcome] {
        var outcomes: [Outcome] = []
        for (file, script) in try CheckCatalog.scriptFiles(at: path) {
            let folder = String(file.dropLast(".lua".count)) + ".test"
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            let check: Check
            switch CheckLoader.load(script, kinds: registry.kinds) {
            case .success(let loaded): check = loaded
            case .failure(let error):
                outcomes.append(Outcome(check: script.path, example: "(load)", path: file, problems: error.problems.map(\.description)))
                continue
            }
            for name in names.sorted() where isDirectory(folder + "/" + name) {
                outcomes.append(runExample(check, folder: folder + "/" + name, name: name, registry: registry))
            }
        }
        return outcomes
    }

    /// What is wrong with the examples under `path` without running them (`assay checks lint`):
    /// an `expect.json`/`expect.yaml` that does not read, or an example with nothing to audit.
    public static func problems(at path: String) throws(ConfigurationError) -> [LintProblem] {
        var problems: [LintProblem] = []
        for (file, _) in try CheckCatalog.scriptFiles(at: path) {
            let folder = String(file.dropLast(".lua".count)) + ".test"
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names.sorted() where isDirectory(folder + "/" + name) {
                let example = folder + "/" + name
                let shown = FileManager.default.fileExists(atPath: example + "/expect.yaml") ? example + "/expect.yaml" : example + "/expect.json"
                do throws(ConfigurationError) {
                    let (_, _, shared) = try expectation(in: example)
                    let transcript = example + "/" + (shared ?? "transcript.jsonl")
                    if !isDirectory(example + "/files"), !FileManager.default.fileExists(atPath: transcript) {
                        throw ConfigurationError(shared.map { "cannot read the transcript \($0)" } ?? "no files/ folder and no transcript.jsonl")
                    }
                } catch {
                    problems.append(LintProblem(path: shown, line: 1, column: 1, code: "A110", message: "example \(name): \(error.message)"))
                }
            }
        }
        return problems
    }

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    static func runExample(_ check: Check, folder: String, name: String, registry: TargetKindRegistry) -> Outcome {
        var outcome = Outcome(check: check.id, example: name, path: folder, problems: [])
        do {
            let (expected, inputs, shared) = try expectation(in: folder)
            var configuration = Configuration(builtinChecks: false, include: [check.id], inputs: inputs, kinds: registry)
            configuration.checkScripts = [check.script]
            var transcript: Transcript?
            if isDirectory(folder + "/files") {
                configuration.targets = [TargetConfiguration(name: "example", kind: .files, location: folder + "/files")]
            } else if let data = FileManager.default.contents(atPath: folder + "/" + (shared ?? "transcript.jsonl")) {
                transcript = try Transcript(bytes: Array(data))
            } else if let shared {
                throw ConfigurationError("cannot read the transcript \(shared)")
            } else {
                throw ConfigurationError("no files/ folder and no transcript.jsonl")
            }
            let findings = try Auditor(configuration: configuration).run(replaying: transcript).report.findings
                .filter { $0.checkID == check.id || $0.checkID == Auditor.loadErrorCheckID }
            outcome.problems = compare(expected, findings)
        } catch let error as ConfigurationError {
            outcome.problems = [error.message]
        } catch {
            outcome.problems = ["\(error)"]
        }
        return outcome
    }

    /// What is wrong when `findings` are not exactly `expected`.
    static func compare(_ expected: [Expected], _ findings: [Finding]) -> [String] {
        var left = findings
        var problems: [String] = []
        for e in expected {
            if let index = left.firstIndex(where: e.matches) {
                left.remove(at: index)
            } else {
                problems.append("expected \(e.text), not found")
            }
        }
        for f in left { problems.append("unexpected \(f.status.rawValue) \(f.resource): \(f.message)") }
        return problems
    }

    /// A typo in an expectation (`"mesage"`) would silently match anything: refused.
    static func refuseUnknownKeys(_ value: JSONValue, known: [String], at path: String) throws(ConfigurationError) {
        for key in value.objectValue?.keys.sorted() ?? [] where !known.contains(key) {
            throw ConfigurationError("expect: unknown key '\(path)\(key)'\(Suggestion.hint(for: key, in: known)) (expected \(known.joined(separator: ", ")))")
        }
    }

    /// The example's `expect.json`, or `expect.yaml` (the same document in YAML).
    static func expectation(in folder: String) throws(ConfigurationError) -> ([Expected], [String: JSONValue], String?) {
        let json: JSONValue
        if let data = FileManager.default.contents(atPath: folder + "/expect.json") {
            do { json = try JSONParser.parse(Array(data)) } catch { throw ConfigurationError("expect.json: \(error)") }
        } else if let data = FileManager.default.contents(atPath: folder + "/expect.yaml") {
            do { json = try YAMLValue.json(Yams.load(yaml: String(decoding: data, as: UTF8.self)) ?? [String: Any]()) } catch {
                throw ConfigurationError("expect.yaml: \(error)")
            }
        } else {
            throw ConfigurationError("no expect.json (or expect.yaml)")
        }
        guard let list = json["findings"]?.arrayValue else { throw ConfigurationError("expect.json has no \"findings\" list") }
        try refuseUnknownKeys(json, known: ["inputs", "transcript", "findings"], at: "")
        var expected: [Expected] = []
        for (index, item) in list.enumerated() {
            try refuseUnknownKeys(item, known: ["status", "resource", "message", "severity"], at: "findings[\(index)].")
            guard let statusName = item["status"]?.stringValue, let status = Status(rawValue: statusName) else {
                throw ConfigurationError("expect.json: findings[\(index)] needs a status (pass, fail, error, skip)")
            }
            var e = Expected(status: status, resource: item["resource"]?.stringValue)
            if let pattern = item["message"]?.stringValue {
                do { e.message = try Regex(pattern) } catch {
                    throw ConfigurationError("expect.json: findings[\(index)].message is not a regular expression: \(pattern)")
                }
                e.messageText = pattern
            }
            if let name = item["severity"]?.stringValue {
                guard let severity = Severity(rawValue: name) else { throw ConfigurationError("expect.json: unknown severity '\(name)'") }
                e.severity = severity
            }
            expected.append(e)
        }
        return (expected, json["inputs"]?.objectValue ?? [:], json["transcript"]?.stringValue)
    }
}
