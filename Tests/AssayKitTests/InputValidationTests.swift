import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// An input no check declares is a configuration error with a suggestion, never a silent no-op.
@Suite("Inputs are declared and validated")
struct InputValidationTests {
    static func run(inputs: [String: JSONValue] = [:], checkInputs: [String: [String: JSONValue]] = [:]) throws(ConfigurationError) {
        let folder = try! TemporaryFolder(["redis.conf": "port 6379\n"])
        defer { folder.remove() }
        var configuration = Configuration(targets: [TargetConfiguration(name: "f", kind: .files, location: folder.path)], include: ["REDISCONF-BIND"])
        configuration.inputs = inputs
        configuration.checkInputs = checkInputs
        _ = try Auditor(configuration: configuration).run()
    }

    static func message(_ body: () throws(ConfigurationError) -> Void) -> String? {
        do throws(ConfigurationError) { try body(); return nil } catch { return error.message }
    }

    @Test func aMisspelledPerCheckInputSaysWhatTheCheckDeclares() {
        let message = Self.message { () throws(ConfigurationError) in try Self.run(checkInputs: ["PG-CONNECTIONS": ["critical_percent": 90]]) }
        #expect(message == "check PG-CONNECTIONS has no input 'critical_percent' (did you mean 'crit_percent'?) (it declares: crit_percent, warn_percent)")
    }

    @Test func aGlobalInputNoCheckDeclaresIsAnError() {
        let message = Self.message { () throws(ConfigurationError) in try Self.run(inputs: ["warn_precent": 80]) }
        #expect(message == "input 'warn_precent' is declared by no check (did you mean 'warn_percent'?)")
    }

    @Test func inputsForAnUnknownCheckAndOfTheWrongTypeAreErrors() {
        #expect(Self.message { () throws(ConfigurationError) in try Self.run(checkInputs: ["PG-CONECTIONS": ["warn_percent": 80]]) }?
            .hasPrefix("inputs are given for check PG-CONECTIONS, which does not exist (did you mean 'PG-CONNECTIONS'?)") == true)
        #expect(Self.message { () throws(ConfigurationError) in try Self.run(checkInputs: ["PG-CONNECTIONS": ["warn_percent": "lots"]]) }
            == "input 'warn_percent' of check PG-CONNECTIONS must be a number (its default is 90), not a string")
    }

    @Test func declaredInputsPass() {
        #expect(Self.message { () throws(ConfigurationError) in
            try Self.run(inputs: ["warn_percent": 80], checkInputs: ["COMPOSE-PUBLISHED-PORTS": ["ports": "8080,6379"]])
        } == nil)
    }
}
