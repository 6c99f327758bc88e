import AssayConnectors
import AssayCore
import CLibPQ
import Foundation

/// Turns configured targets into resolved ones (in the supervisor: passwords read, addresses made
/// safe to show, servers named for the connection budget) and resolved ones into connectors (in
/// the worker that audits them).
enum ConnectorFactory {
    /// Resolves a target's password and checks that it can be audited at all. Connects to nothing.
    static func resolve(_ target: TargetConfiguration, options: ConnectorOptions) throws(ConfigurationError) -> ResolvedTarget {
        let password = try resolvePassword(target)
        if target.kind == .files {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: target.location, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ConfigurationError("target \(target.name): \(target.location) is not a folder")
            }
        }
        let (connector, address) = make(kind: target.kind, location: target.location, password: password, options: options)
        connector.close()
        return ResolvedTarget(
            info: TargetInfo(name: target.name, kind: target.kind, address: address), location: target.location,
            password: password, server: server(kind: target.kind, location: target.location))
    }

    /// The connector for a target, and its address without secrets. Opens no connection.
    static func make(kind: TargetKind, location: String, password: String?, options: ConnectorOptions) -> (any Connector, String) {
        switch kind {
        case .files:
            let connector = FilesConnector(root: location)
            return (connector, connector.address)
        case .postgres:
            let connector = PostgresConnector(url: location, password: password, options: options)
            return (connector, connector.address)
        case .pgbouncer:
            let connector = PgBouncerConnector(url: location, password: password, options: options)
            return (connector, connector.address)
        case .redis:
            let connector = RedisConnector(url: location, password: password, options: options)
            return (connector, connector.address)
        case .docker:
            let connector = DockerConnector(url: location, options: options)
            return (connector, connector.address)
        }
    }

    /// The server whose connection budget a target uses: `host:port`, or the socket path.
    static func server(kind: TargetKind, location: String) -> String? {
        switch kind {
        case .files:
            return nil
        case .postgres, .pgbouncer:
            return libpqServer(location)
        case .redis:
            guard let url = URLComponents(string: location) else { return location }
            if url.scheme == "unix" { return url.path }
            return "\(url.host ?? "localhost"):\(url.port ?? 6379)"
        case .docker:
            return location.hasPrefix("unix://") ? String(location.dropFirst("unix://".count)) : location
        }
    }

    /// `host:port` as libpq reads a connection string (first host, default port 5432).
    private static func libpqServer(_ conninfo: String) -> String {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            if let error { PQfreemem(error) }
            return "postgres"
        }
        defer { PQconninfoFree(options) }
        var host: String?
        var port: String?
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                switch String(cString: keyword) {
                case "host", "hostaddr": host = host ?? String(cString: value)
                case "port": port = String(cString: value)
                default: break
                }
            }
            option += 1
        }
        let first = { (list: String?) in list?.split(separator: ",").first.map(String.init) }
        return "\(first(host) ?? "localhost"):\(first(port) ?? "5432")"
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
