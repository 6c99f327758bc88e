import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// Runs built-in checks, selected by id, against real targets and returns their findings.
enum CheckHarness {
    /// Fixtures of the built-in checks: `Tests/AssayKitTests/Fixtures/<kind>/<case>/…`.
    static let fixtures = RepositoryPaths.root.appendingPathComponent("Tests/AssayKitTests/Fixtures")

    static func fixture(_ relative: String) -> String {
        fixtures.appendingPathComponent(relative).path
    }

    /// Audits with only the given checks (ids or tags).
    static func run(
        _ ids: [String], targets: [TargetConfiguration], inputs: [String: JSONValue] = [:],
        configure: (inout Configuration) -> Void = { _ in }
    ) throws -> [Finding] {
        var configuration = Configuration(targets: targets, include: ids, inputs: inputs)
        configure(&configuration)
        return try Auditor(configuration: configuration).run().report.findings
    }

    /// Audits a fixture folder with only the given checks.
    static func files(_ ids: [String], fixture relative: String, inputs: [String: JSONValue] = [:]) throws -> [Finding] {
        try run(ids, targets: [TargetConfiguration(name: "fixture", kind: .files, location: fixture(relative))], inputs: inputs)
    }

    /// The targets of the live stack (`scripts/stack up`), by kind.
    static func stackTarget(_ kind: TargetKind) throws -> TargetConfiguration {
        let stack = try LiveStack.current()
        switch kind {
        case .files: return TargetConfiguration(name: "stack-files", kind: .files, location: try stack.value("ASSAY_STACK_FILES_DIR"))
        case .postgres: return TargetConfiguration(name: "postgres", kind: .postgres, location: try stack.postgresURL)
        case .pgbouncer: return TargetConfiguration(name: "pgbouncer", kind: .pgbouncer, location: try stack.pgbouncerURL)
        case .redis: return TargetConfiguration(name: "redis", kind: .redis, location: try stack.redisURL)
        case .docker: return TargetConfiguration(name: "docker", kind: .docker, location: try stack.dockerURL)
        }
    }
}

extension Array where Element == Finding {
    /// Findings of one check with one status.
    func of(_ check: String, _ status: Status) -> [Finding] { filter { $0.checkID == check && $0.status == status } }
    /// `status resource` lines, for readable expectations.
    var summary: [String] { map { "\($0.checkID) \($0.status.rawValue) \($0.resource)" } }
}
