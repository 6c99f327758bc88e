import AssayTestSupport
import Foundation
import Testing

/// A weak password given to Assay cannot be scrubbed by value without corrupting evidence: it is
/// redacted where it stands as a password, and reported as `ASSAY-WEAK-CREDENTIAL` (high,
/// security), naming the target and where it came from — never the value.
@Suite("Weak credentials are reported, not scrubbed blindly")
struct WeakCredentialTests {
    /// `postgres`/`postgres` on the stack's PostgreSQL (over its socket, where the superuser is
    /// trusted): before, every `postgres` of the answers read `REDACTED`.
    @Test func postgresEqualToItsUserLeavesTheWordIntact() throws {
        let stack = try LiveStack.current()
        let postgres = try StackPostgres(stack)
        let sockets = try postgres.admin("SHOW unix_socket_directories").split(separator: ",")[0]
        let url = "postgresql://postgres:postgres@/postgres?host=\(sockets)&port=\(postgres.port)"
        let out = try TemporaryFolder(prefix: "assay-weak-pg")
        defer { out.remove() }
        let run = try Program.run(LeakHarness.executable, [
            "run", "--postgres", "pg=\(url)", "--checks", LeakHarness.shared.checks, "--out", out.path,
            "--record", out.file("t.jsonl"), "--verbose",
        ])
        #expect(run.status == 1, "\(run.stderr.prefix(2000))")
        let report = String(decoding: out.read("report.json"), as: UTF8.self)
        let transcript = String(decoding: out.read("t.jsonl"), as: UTF8.self)
        let everything = run.stdout + run.stderr + report + transcript + String(decoding: out.read("report.md"), as: UTF8.self)

        let weak = try Self.findings(report).filter { $0["check_id"] as? String == "ASSAY-WEAK-CREDENTIAL" }
        #expect(weak.count == 1)
        #expect(weak.first?["target"] as? String == "pg")
        #expect(weak.first?["severity"] as? String == "high")
        #expect(weak.first?["category"] as? String == "security")
        #expect(weak.first?["status"] as? String == "fail")
        #expect(weak.first?["resource"] as? String == "credential/the URL")
        #expect((weak.first?["message"] as? String)?.contains("the same as the user name") == true)

        // The answers still say who and where: the login, the database, the sessions' users.
        #expect(transcript.contains("\"login\":\"postgres\""))
        #expect(transcript.contains("\"db\":\"postgres\""))
        #expect(transcript.contains("\"usename\":\"postgres\""))
        #expect(report.contains("postgresql://postgres@/postgres?host="), "the address keeps the user, loses the password")
        #expect(!transcript.contains("\"login\":\"REDACTED\"") && !transcript.contains("\"usename\":\"REDACTED\""))
        // Where it stands as a password, it is gone.
        #expect(!everything.contains("postgres:postgres@"))
    }

    /// A Redis ACL user `admin` with the password `admin`, and a `1234` given through password_env.
    @Test func redisWeakPasswordsAreFindings() throws {
        let server = try RedisTestServer(["user admin on >admin ~* &* +@all", "user default off"], user: "admin", password: "admin")
        defer { server.stop() }
        let other = try RedisTestServer(["requirepass 1234"], password: "1234")
        defer { other.stop() }
        let folder = try TemporaryFolder(prefix: "assay-weak-redis", [
            "assay.yaml": """
                targets:
                  - { name: acl, kind: redis, url: "redis://admin:admin@127.0.0.1:\(server.port)" }
                  - { name: short, kind: redis, url: "redis://127.0.0.1:\(other.port)", password_env: LEAK_SHORT }
                """
        ])
        defer { folder.remove() }
        var environment = ProcessInfo.processInfo.environment
        environment["LEAK_SHORT"] = "1234"
        let run = try Program.run(LeakHarness.executable, [
            "run", "--config", folder.file("assay.yaml"), "--checks", LeakHarness.shared.checks, "--out", folder.file("out"),
            "--record", folder.file("out/t.jsonl"),
        ], environment: environment)
        #expect([0, 1].contains(run.status), "\(run.stderr.prefix(2000))")
        let report = String(decoding: folder.read("out/report.json"), as: UTF8.self)
        let weak = try Self.findings(report).filter { $0["check_id"] as? String == "ASSAY-WEAK-CREDENTIAL" }
        let described = weak.map { "\($0["target"] ?? "") \($0["resource"] ?? "")" }.sorted()
        #expect(described == ["acl credential/the URL", "short credential/password_env LEAK_SHORT"])
        #expect(weak.contains { ($0["message"] as? String)?.contains("4 characters, fewer than 8") == true })
        // The user is still named in the answers.
        let transcript = String(decoding: folder.read("out/t.jsonl"), as: UTF8.self)
        #expect(transcript.contains("\"user\":\"admin\""))
        #expect(!(run.stdout + run.stderr + report + transcript).contains("admin:admin@"))
    }

    static func findings(_ report: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any]
        return object?["findings"] as? [[String: Any]] ?? []
    }
}
