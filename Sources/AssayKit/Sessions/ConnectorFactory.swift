import AssayConnectors
import AssayCore
import Foundation

/// Turns configured targets into resolved ones (in the supervisor: passwords read, addresses made
/// safe to show, servers named for the connection budget) and resolved ones into connectors (in
/// the worker that audits them), through the descriptors of the run's target kinds.
enum ConnectorFactory {
    /// Resolves a target's password and checks that it can be audited at all. Connects to nothing.
    static func resolve(
        _ target: TargetConfiguration, kinds: TargetKindRegistry, options: ConnectorOptions, secrets: SecretRegistry
    ) throws(ConfigurationError) -> ResolvedTarget {
        guard let descriptor = kinds[target.kind] else {
            throw ConfigurationError("target \(target.name): unknown kind '\(target.kind)' (expected \(kinds.namesList))")
        }
        if let problem = descriptor.problem(with: target.location) {
            throw ConfigurationError("target \(target.name): \(problem)")
        }
        let password = try resolvePassword(target)
        CredentialRegistration.register(target, password: password, in: secrets)
        let connector = descriptor.makeConnector(location: target.location, password: password, options: options)
        connector.close()
        return ResolvedTarget(
            info: TargetInfo(name: target.name, kind: target.kind, address: connector.address), location: target.location,
            password: password, server: descriptor.server(of: target.location))
    }

    static func resolvePassword(_ target: TargetConfiguration) throws(ConfigurationError) -> String? {
        if let name = target.passwordEnv {
            guard let value = ProcessInfo.processInfo.environment[name] else {
                throw ConfigurationError("target \(target.name): the environment variable \(name) (password_env) is not set")
            }
            return value
        }
        if let path = target.passwordFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("target \(target.name): cannot read the password file \(path)")
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            return text
        }
        return nil
    }
}
