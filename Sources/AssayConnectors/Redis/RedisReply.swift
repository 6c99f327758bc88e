import AssayCore
import CHiredis

/// A Redis reply, copied out of hiredis' reply tree (RESP2: hiredis 0.14 knows no RESP3).
///
/// Error texts are cut to ``RESPFrameScanner/errorPrefixBytes`` as they are copied: nothing
/// downstream (messages, scrubbing, transcripts) ever holds more of them.
enum RedisReply: Equatable {
    case status(String)
    case string(String)
    case integer(Int64)
    case null
    case array([RedisReply])
    case error(String)

    /// Copies a hiredis reply; the caller still frees it.
    init(_ reply: UnsafePointer<redisReply>) {
        let r = reply.pointee
        func text(maximum: Int = .max) -> String {
            guard let str = r.str, r.len > 0 else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: str, count: min(r.len, maximum)), as: UTF8.self)
        }
        switch r.type {
        case REDIS_REPLY_STATUS: self = .status(text())
        case REDIS_REPLY_STRING: self = .string(text())
        case REDIS_REPLY_INTEGER: self = .integer(Int64(r.integer))
        case REDIS_REPLY_ERROR: self = .error(text(maximum: RESPFrameScanner.errorPrefixBytes))
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            items.reserveCapacity(r.elements)
            for i in 0..<r.elements {
                if let element = r.element[i] { items.append(RedisReply(element)) } else { items.append(.null) }
            }
            self = .array(items)
        default: self = .null
        }
    }

    /// The reply as JSON: status and bulk strings become strings, integers ints, nil null, arrays
    /// arrays, and an error nested in an array `{error = "…"}`.
    var json: JSONValue {
        switch self {
        case .status(let s), .string(let s): return .string(s)
        case .integer(let i): return .int(i)
        case .null: return .null
        case .array(let items): return .array(items.map(\.json))
        case .error(let message): return .object(["error": .string(message)])
        }
    }

    /// The text of a status or bulk string reply.
    var text: String? {
        switch self {
        case .status(let s), .string(let s): return s
        default: return nil
        }
    }
}
