import AssayConnectors
import AssayCore
import Foundation

/// Makes the connector for a configured target, resolving its password without ever logging it.
enum ConnectorFactory {
    /// The connector, wrapped so that its calls register found secrets with `secrets`, and its
    /// address; the target's credentials are registered first.
    static func make(_ target: TargetConfiguration, options: ConnectorOptions, secrets: SecretRegistry) throws(ConfigurationError)
        -> (any Connector, String)
    {
        let password = try resolvePassword(target)
        CredentialRegistration.register(target, password: password, in: secrets)
        let (connector, address) = try make(target, password: password, options: options)
        return (SecretCollectingConnector(connector, registry: secrets), address)
    }

    private static func make(_ target: TargetConfiguration, password: String?, options: ConnectorOptions) throws(ConfigurationError)
        -> (any Connector, String)
    {
        switch target.kind {
        case .files:
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: target.location, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ConfigurationError("target \(target.name): \(target.location) is not a folder")
            }
            let connector = FilesConnector(root: target.location)
            return (connector, connector.address)
        case .postgres:
            let connector = PostgresConnector(url: target.location, password: password, options: options)
            return (connector, connector.address)
        case .pgbouncer:
            let connector = PgBouncerConnector(url: target.location, password: password, options: options)
            return (connector, connector.address)
        case .redis:
            let connector = RedisConnector(url: target.location, password: password, options: options)
            return (connector, connector.address)
        case .docker:
            let connector = DockerConnector(url: target.location, options: options)
            return (connector, connector.address)
        }
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
