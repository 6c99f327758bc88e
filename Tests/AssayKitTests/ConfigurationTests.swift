import AssayCore
import AssayKit
import AssayTestSupport
import Testing

@Suite("assay.yaml")
struct ConfigurationTests {
    @Test func theDocumentedExampleLoads() throws {
        let path = RepositoryPaths.root.appendingPathComponent("examples/assay.yaml").path
        let configuration = try Configuration.load(path: path)
        #expect(configuration.targets.map(\.name) == ["sample"])
        #expect(configuration.targets[0].location.hasSuffix("/examples/sample-stack"))
        #expect(configuration.waivers.first?.expires.description == "2027-06-30")
        #expect(configuration.policy.certified.minScore.description == "8.00")
        #expect(configuration.policy.passingVerdicts == [.certified, .conditional])
        #expect(configuration.limits.memoryBytes == 32 << 20)
        #expect(configuration.checkInputs["COMPOSE-PUBLISHED-PORTS"]?["ports"]?.arrayValue?.count == 5)
    }

    @Test func settingsAreRead() throws {
        let configuration = try Configuration.parse("""
            targets:
              - { name: db, kind: postgres, url: "postgres://assay@h/app", password_env: PGPW }
            inputs: { warn_percent: 80, PG-X: { limit: 3 } }
            policy:
              certified: { min_score: 9.5, max_open: { critical: 0 } }
              pass_on: [certified]
              validity_days: 7
            limits: { memory_mb: 8, check_timeout_ms: 1500, call_timeout_ms: 700 }
            """)
        #expect(configuration.targets[0].passwordEnv == "PGPW")
        #expect(configuration.input(check: "PG-X", name: "limit") == .int(3))
        #expect(configuration.input(check: "PG-Y", name: "warn_percent") == .int(80))
        #expect(configuration.policy.certified.minScore.hundredths == 950)
        #expect(configuration.policy.certified.maxOpen == [.critical: 0])
        #expect(configuration.policy.passingVerdicts == [.certified])
        #expect(configuration.policy.validityDays == 7)
        #expect(configuration.limits.memoryBytes == 8 << 20)
        #expect(configuration.limits.timeout == .milliseconds(1500))
        #expect(configuration.connectorOptions.callTimeout == .milliseconds(700))
    }

    @Test("mistakes name their place", arguments: [
        ("targets:\n  - { kind: mysql, url: x }", "targets[0].kind: unknown kind 'mysql'"),
        ("targets:\n  - { kind: files }", "targets[0]: a files target needs 'path'"),
        ("waivers:\n  - { check: X, justification: j, expires: 31/12/2026 }", "waivers[0].expires: expected a date YYYY-MM-DD"),
        ("waivers:\n  - { check: X, expires: 2026-12-31 }", "waivers[0]: missing 'justification'"),
        ("policy:\n  pass_on: [MAYBE]", "policy.pass_on: unknown verdict 'MAYBE'"),
        ("limits:\n  memory: 3", "limits: unknown key 'memory'"),
        ("target: []", "(top level): unknown key 'target'"),
        ("targets: [ {", "invalid YAML"),
    ])
    func mistakes(_ text: String, _ expected: String) {
        #expect {
            try Configuration.parse(text)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test func flagTargetsAreNamed() {
        #expect(TargetConfiguration.fromFlag("main=postgres://h/db", kind: .postgres, index: 0, isFolder: false).name == "main")
        #expect(TargetConfiguration.fromFlag("postgres://h/db?sslmode=require", kind: .postgres, index: 1, isFolder: false).name == "postgres-2")
        #expect(TargetConfiguration.fromFlag("host=h dbname=x", kind: .postgres, index: 0, isFolder: false).location == "host=h dbname=x")
    }
}

/// assay.yaml errors name the place and the problem, never a value: Yams' own messages quote the
/// offending line (and, for a duplicate key, the whole file).
@Suite("assay.yaml errors show no value")
struct ConfigurationErrorTextTests {
    static let secret = "Cfg-Err-Secret-7Qm2"

    @Test("YAML errors are file:line:column and what is wrong", arguments: [
        ("targets:\n  - { name: db, kind: postgres, url: \"postgres://u:\(secret)@h/app }\n", "assay.yaml:3:1: invalid YAML"),
        ("targets:\n  - name: db\n    url: \"postgres://u:\(secret)@h/app\"\n    url: x\n", "assay.yaml:3:5: invalid YAML: the key 'url' appears twice"),
        ("targets:\n  - name: db\n\turl: \"postgres://u:\(secret)@h/app\"\n", "assay.yaml:3:1: invalid YAML: found a tab character"),
        ("targets: [\n  \"postgres://u:\(secret)@h/app\"\n  ]]\n", "assay.yaml:3:4: invalid YAML"),
    ])
    func yamlErrors(_ text: String, _ expected: String) {
        #expect {
            try Configuration.parse(text)
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix(expected) && !message.contains(Self.secret) && !message.contains("\n")
        }
    }

    @Test func aStrayValueIsNotQuoted() {
        #expect {
            try Configuration.parse("targets:\n  - { name: db, kind: postgres, url: \"postgres://u@h/app\", \(Self.secret) }\n")
        } throws: { error in
            let message = "\(error)"
            return message.contains("unknown key (19 characters, not shown") && !message.contains(Self.secret)
        }
        #expect {
            try Configuration.parse("targets:\n  - { name: db, kind: \"\(Self.secret)\", url: x }\n")
        } throws: { error in "\(error)".contains("unknown kind (19 characters") && !"\(error)".contains(Self.secret) }
        // A typo is still named.
        #expect {
            try Configuration.parse("policy:\n  certifed: {}\n")
        } throws: { error in "\(error)".contains("unknown key 'certifed'") }
    }
}
