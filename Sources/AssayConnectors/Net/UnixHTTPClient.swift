import AssayCore
/// A minimal HTTP/1.1 client over a unix-domain socket that can only send `GET`.
///
/// One connection per request (`Connection: close`), every wait bounded by the deadline, and the
/// response capped so that a misbehaving peer cannot make Assay buffer without end.
enum UnixHTTPClient {
    /// The largest response accepted, headers included: 4 MiB.
    static let maximumResponseBytes = 4 << 20

    /// Sends `GET target` to the socket at `socketPath` and reads the whole response.
    /// - Parameters:
    ///   - socketPath: the unix socket, such as `/var/run/docker.sock`.
    ///   - target: the request target, already validated and percent-encoded (`/containers/json?all=1`).
    ///   - host: the `Host` header.
    ///   - connectDeadline: when to give up connecting (the earlier of this and `deadline` counts).
    ///   - deadline: when to give up, connecting included.
    static func get(
        socketPath: String, target: String, host: String, connectDeadline: Deadline = .distantFuture,
        deadline: Deadline, maximumBytes: Int = maximumResponseBytes
    ) throws(ConnectorError) -> HTTPResponse {
        precondition(target.hasPrefix("/") && !target.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }))
        let socket = try StreamSocket.connectUnix(path: socketPath, deadline: deadline.earliest(connectDeadline))
        defer { socket.close() }
        let request =
            "GET \(target) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: assay\r\n"
            + "Accept: application/json\r\nConnection: close\r\n\r\n"
        try socket.writeAll(Array(request.utf8), deadline: deadline, peer: socketPath)

        var reader = HTTPResponseReader()
        while true {
            let chunk = try socket.read(maximum: 64 * 1024, deadline: deadline, peer: socketPath)
            if chunk.isEmpty {
                if reader.buffer.isEmpty {
                    throw ConnectorError(
                        .unreachable, "\(socketPath): the peer closed the connection without answering")
                }
                // The reader always answers or throws at EOF.
                guard let response = try reader.response(atEOF: true) else {
                    throw ConnectorError(.failed, "\(socketPath): incomplete HTTP response")
                }
                return response
            }
            reader.append(chunk)
            if reader.buffer.count > maximumBytes {
                throw ConnectorError(.failed, "\(socketPath): the response is larger than \(maximumBytes >> 20) MiB")
            }
            if let response = try reader.response(atEOF: false) { return response }
        }
    }
}
