import AssayConnectors
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

    /// The files folder of a built-in files check's example: `checks/files/<name>.test/<example>/files`.
    static func example(_ name: String, _ example: String) -> String {
        RepositoryPaths.root.appendingPathComponent("checks/files/\(name).test/\(example)/files").path
    }

    /// The statuses an example of a built-in files check expects (its `expect.json`).
    static func expectedStatuses(_ id: String, _ example: String) throws -> [String] {
        let path = RepositoryPaths.root.appendingPathComponent("checks/files/\(id.lowercased()).test/\(example)/expect.json").path
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return try JSONParser.parse(Array(data))["findings"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? []
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

    /// The target of the live stack (`scripts/stack up`) of a kind, as the kind's descriptor
    /// says the stack provides it (its `stack.env` key), named after the kind.
    static func stackTarget(_ kind: TargetKind, kinds: TargetKindRegistry = .builtin) throws -> TargetConfiguration {
        guard let hook = kinds[kind]?.testStack else { throw LiveStackError(message: "the kind \(kind) has no test stack hook") }
        return TargetConfiguration(name: kind.rawValue, kind: kind, location: try LiveStack.current().value(hook.locationKey))
    }
}

extension Array where Element == Finding {
    /// Findings of one check with one status.
    func of(_ check: String, _ status: Status) -> [Finding] { filter { $0.checkID == check && $0.status == status } }
    /// `status resource` lines, for readable expectations.
    var summary: [String] { map { "\($0.checkID) \($0.status.rawValue) \($0.resource)" } }
}
