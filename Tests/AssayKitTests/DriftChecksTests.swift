import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// The drift rules against the real local stack: the stack's own copies of its servers' files
/// agree with what the servers run; a setting changed in the file only is reported, once, with
/// both values and the file:line.
@Suite("Drift: the audited file against the running server")
struct DriftChecksTests {
    static let checks = ["PG-DRIFT", "PGB-DRIFT", "REDIS-DRIFT"]

    /// A copy of the stack's files folder, with `edit` applied to the named files' text.
    static func files(editing edits: [String: (String) -> String] = [:]) throws -> TemporaryFolder {
        let source = try LiveStack.current().value("ASSAY_STACK_FILES_DIR")
        var contents: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            let text = try String(contentsOfFile: source + "/" + name, encoding: .utf8)
            contents[name] = edits[name].map { $0(text) } ?? text
        }
        return try TemporaryFolder(contents)
    }

    static func audit(_ folder: TemporaryFolder) throws -> [Finding] {
        let targets = try [TargetKind.postgres, .pgbouncer, .redis].map { try CheckHarness.stackTarget($0) }
            + [TargetConfiguration(name: "files", kind: .files, location: folder.path)]
        return try CheckHarness.run(checks, targets: targets)
    }

    @Test func theStacksOwnFilesAgreeWithItsServers() throws {
        let folder = try Self.files()
        defer { folder.remove() }
        let findings = try Self.audit(folder)
        #expect(findings.summary.sorted() == [
            "PG-DRIFT pass postgresql.conf", "PGB-DRIFT pass pgbouncer.ini", "REDIS-DRIFT pass redis.conf",
        ])
        // Each compared more than a handful of settings: the rule is not passing vacuously.
        for finding in findings { #expect((finding.evidence["compared"]?.intValue ?? 0) >= 5, "\(finding.checkID)") }
    }

    @Test func aSettingChangedInTheFileOnlyIsDrift() throws {
        func replacing(_ line: String, with new: String) -> (String) -> String {
            { text in text.components(separatedBy: "\n").map { $0 == line ? new : $0 }.joined(separator: "\n") }
        }
        let folder = try Self.files(editing: [
            "postgresql.conf": { $0 + "\nwork_mem = '12MB'\n" },
            "pgbouncer.ini": replacing("default_pool_size = 5", with: "default_pool_size = 7"),
            "redis.conf": replacing("maxmemory 0", with: "maxmemory 64mb"),
        ])
        defer { folder.remove() }
        let findings = try Self.audit(folder)
        #expect(findings.filter { $0.status == .fail }.summary.sorted() == [
            "PG-DRIFT fail setting/work_mem", "PGB-DRIFT fail setting/default_pool_size", "REDIS-DRIFT fail setting/maxmemory",
        ])
        #expect(findings.filter { $0.status == .pass }.isEmpty)
        let work = try #require(findings.first { $0.resource == "setting/work_mem" })
        #expect(work.message.contains("work_mem = 12MB but PostgreSQL runs 4096 × kB"), "\(work.message)")
        #expect(work.message.hasPrefix("postgresql.conf:"))
        #expect(work.evidence["file_value"]?.stringValue == "12MB")
        let pool = try #require(findings.first { $0.resource == "setting/default_pool_size" })
        #expect(pool.evidence["file_value"]?.stringValue == "7")
        #expect(pool.evidence["live_value"]?.stringValue == "5")
        let memory = try #require(findings.first { $0.resource == "setting/maxmemory" })
        #expect(memory.evidence["live_value"]?.stringValue == "0")
        #expect(memory.message.contains("64mb"))
    }
}
