import AssayCore
import CLibPQ
import Foundation

/// The server a location names, as the connection budget counts servers: `host:port` for a TCP
/// server, the path of a unix socket. Computed from the location as the connector reads it.
enum ServerAddress {
    /// The first host and port of a libpq URL or `key=value` string (port 5432 by default).
    static func libpq(_ conninfo: String) -> String? {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            if let error { PQfreemem(error) }
            return nil
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

    static func redis(_ url: String) -> String? {
        switch (try? RedisEndpoint.parse(url, password: nil))?.location {
        case .tcp(let host, let port)?: return "\(host):\(port)"
        case .unix(let path)?: return path
        case nil: return nil
        }
    }

    static func docker(_ url: String) -> String? {
        url.hasPrefix("unix://") ? String(url.dropFirst("unix://".count)) : url
    }
}
