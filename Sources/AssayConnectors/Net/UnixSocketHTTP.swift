import AssayCore
import CCurl

/// HTTP `GET` over a unix-domain socket through libcurl, with every byte counted.
///
/// libcurl does the HTTP/1.1 (framing, chunked decoding, its own overflow checks); this type
/// only sets it up narrowly and watches what arrives:
/// - `GET` only, HTTP/1.1, the `http` scheme only, no redirects followed, no proxy (not even
///   from `http_proxy` in the environment), no content decoding, a fresh connection per request;
/// - headers and body together may hold at most `maximumBytes`: a `Content-Length` above it fails
///   at once, and the write callbacks abort the transfer the moment the count passes it, so an
///   endless body, endless headers or a lying chunk size cost at most that much memory;
/// - connect and total timeouts come from the deadlines, so a silent or dripping peer costs the
///   time left and no more.
///
/// Failures are classified for the caller: ``ConnectorError/Kind/unreachable`` only when the
/// socket cannot be connected to, ``ConnectorError/Kind/timeout`` when a deadline passed, and
/// ``ConnectorError/Kind/failed`` for everything the peer did wrong once connected (a broken
/// pipe, a close mid-answer, bytes that are not HTTP, an answer over the cap).
enum UnixSocketHTTP {
    /// One answer, read in full.
    struct Response {
        var status: Int
        /// The `Content-Type` header, if any.
        var contentType: String?
        var body: [UInt8]
    }

    /// libcurl's process-wide setup, done once before the first handle (thread-safe: a static).
    private static let globalSetup: CURLcode = curl_global_init(Int(CURL_GLOBAL_NOTHING))

    /// Sends `GET target` to the socket at `socketPath` and reads the whole answer.
    /// - Parameters:
    ///   - target: the request target, validated and percent-encoded (`/containers/json?all=1`).
    ///   - peer: how messages name the socket (`docker unix:///var/run/docker.sock`).
    ///   - connectDeadline: when to give up connecting (the earlier of this and `deadline` counts).
    ///   - deadline: when to give up, connecting included.
    ///   - maximumBytes: headers and body together.
    ///   - tooLarge: the message for an answer over `maximumBytes`.
    static func get(
        socketPath: String, target: String, peer: String, connectDeadline: Deadline, deadline: Deadline,
        maximumBytes: Int, tooLarge: String
    ) throws(ConnectorError) -> Response {
        precondition(target.hasPrefix("/") && !target.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }))
        // libcurl keeps the error buffer until the handle is cleaned up: allocated first, freed last.
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        guard globalSetup == CURLE_OK, let handle = curl_easy_init() else {
            throw ConnectorError(.failed, "\(peer): libcurl could not be initialised")
        }
        defer { curl_easy_cleanup(handle) }

        let total = deadline.remainingMilliseconds
        let connect = min(total, connectDeadline.remainingMilliseconds)
        guard total > 0, connect > 0 else { throw ConnectorError(.timeout, "\(peer): deadline passed before connecting") }

        let sink = TransferSink(maximumBytes: maximumBytes)
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        let code = withExtendedLifetime(sink) { () -> CURLcode in
                let setup: [CURLcode] = [
                    ccurl_setopt_string(handle, CURLOPT_UNIX_SOCKET_PATH, socketPath),
                    ccurl_setopt_string(handle, CURLOPT_URL, "http://docker" + target),
                    ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1),
                    ccurl_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)),
                    ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http"),
                    ccurl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http"),
                    ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0),
                    ccurl_setopt_long(handle, CURLOPT_MAXREDIRS, 0),
                    ccurl_setopt_string(handle, CURLOPT_PROXY, ""),
                    ccurl_setopt_string(handle, CURLOPT_NOPROXY, "*"),
                    ccurl_setopt_string(handle, CURLOPT_USERAGENT, "assay"),
                    ccurl_setopt_long(handle, CURLOPT_FORBID_REUSE, 1),
                    ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
                    ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(connect)),
                    ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(total)),
                    ccurl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maximumBytes)),
                    ccurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, takeBody),
                    ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer),
                    ccurl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, takeHeader),
                    ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, sinkPointer),
                    ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer),
                ]
                if let failed = setup.first(where: { $0 != CURLE_OK }) { return failed }
                return curl_easy_perform(handle)
        }
        let detail = printableDetail(errorBuffer, code)

        if sink.overflowed || code == CURLE_FILESIZE_EXCEEDED {
            throw ConnectorError(.failed, "\(peer): \(tooLarge)")
        }
        switch code {
        case CURLE_OK:
            break
        case CURLE_COULDNT_CONNECT:
            var osErrno = 0
            _ = ccurl_getinfo_long(handle, CURLINFO_OS_ERRNO, &osErrno)
            // Without an errno, connect(2) succeeded and the peer closed before libcurl could use
            // the connection: something answers on the socket, it just is not serving.
            guard osErrno != 0 else {
                throw ConnectorError(.failed, "\(peer): the connection was closed as soon as it was made (\(detail))")
            }
            throw ConnectorError(.unreachable, "\(peer): cannot connect (\(StreamSocket.errnoText(Int32(osErrno))))")
        case CURLE_OPERATION_TIMEDOUT:
            throw ConnectorError(.timeout, "\(peer): deadline passed during GET \(pathOnly(target)) (\(detail))")
        case CURLE_SEND_ERROR:
            throw ConnectorError(.failed, "\(peer): the request could not be sent (\(detail))")
        case CURLE_GOT_NOTHING:
            throw ConnectorError(.failed, "\(peer): the connection closed without an answer")
        case CURLE_PARTIAL_FILE:
            throw ConnectorError(.failed, "\(peer): the connection closed in the middle of the answer (\(detail))")
        case CURLE_OUT_OF_MEMORY:
            // Also libcurl's answer to a header line over its own limit (100 KiB).
            throw ConnectorError(
                .failed, "\(peer): the answer's headers are larger than libcurl reads, or memory ran out (\(detail))")
        case CURLE_WEIRD_SERVER_REPLY, CURLE_UNSUPPORTED_PROTOCOL:
            throw ConnectorError(.failed, "\(peer): the answer is not HTTP (\(detail))")
        default:
            throw ConnectorError(.failed, "\(peer): GET \(pathOnly(target)) failed (\(detail))")
        }

        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var typePointer: UnsafeMutablePointer<CChar>?
        _ = ccurl_getinfo_string(handle, CURLINFO_CONTENT_TYPE, &typePointer)
        return Response(status: status, contentType: typePointer.map { String(cString: $0) }, body: sink.body)
    }

    // MARK: - Callbacks

    private static let takeBody: ccurl_data_callback = { data, size, count, user in
        TransferSink.behind(user).take(data, size: size, count: count, isBody: true)
    }

    private static let takeHeader: ccurl_data_callback = { data, size, count, user in
        TransferSink.behind(user).take(data, size: size, count: count, isBody: false)
    }

    // MARK: - Messages

    /// libcurl's own message for a failure, printable ASCII, at most 200 characters (it may quote
    /// what the peer sent).
    private static func printableDetail(_ buffer: UnsafeMutablePointer<CChar>, _ code: CURLcode) -> String {
        let own = String(cString: buffer)
        let text = own.isEmpty ? String(cString: curl_easy_strerror(code)) : own
        let cleaned = String(text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
        return cleaned.count > 200 ? String(cleaned.prefix(200)) + "…" : cleaned
    }

    private static func pathOnly(_ target: String) -> Substring { target.prefix { $0 != "?" } }
}

/// Where libcurl's callbacks put the answer, counting headers and body against one cap.
private final class TransferSink {
    let maximumBytes: Int
    private(set) var received = 0
    private(set) var body: [UInt8] = []
    /// Set when a callback refused bytes over the cap (libcurl then fails with CURLE_WRITE_ERROR).
    private(set) var overflowed = false

    init(maximumBytes: Int) { self.maximumBytes = maximumBytes }

    /// The sink behind the opaque pointer libcurl hands back to a callback.
    static func behind(_ user: UnsafeMutableRawPointer?) -> TransferSink {
        Unmanaged<TransferSink>.fromOpaque(user!).takeUnretainedValue()
    }

    /// Takes `size * count` bytes, or none (aborting the transfer) when they would pass the cap.
    func take(_ data: UnsafeMutablePointer<CChar>?, size: Int, count: Int, isBody: Bool) -> Int {
        let (length, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow, length <= maximumBytes - received else {
            overflowed = true
            return 0
        }
        received += length
        if isBody, length > 0, let data {
            body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
        }
        return length
    }
}
