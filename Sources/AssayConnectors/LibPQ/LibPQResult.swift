import AssayCore
import CLibPQ

/// One `PGresult`, cleared when released.
final class LibPQResult {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }

    deinit { PQclear(handle) }

    var status: ExecStatusType { PQresultStatus(handle) }

    var isError: Bool { status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR }

    /// The five-character SQLSTATE of an error the server sent; nil for an error libpq made up
    /// itself (a malformed answer, a lost connection), which carries none.
    var sqlState: String? { field(Int32(UInt8(ascii: "C"))) }

    /// The primary message of an error result, else libpq's message for the result; at most
    /// ``ServerText/maximumBytes`` bytes of it.
    var errorMessage: String {
        if let primary = field(Int32(UInt8(ascii: "M"))) { return primary }
        guard let text = PQresultErrorMessage(handle) else { return "" }
        return ServerText.cut(text).trimmingTrailingNewlines()
    }

    private func field(_ code: Int32) -> String? {
        guard let value = PQresultErrorField(handle, code) else { return nil }
        return ServerText.cut(value)
    }

    // MARK: - Rows

    /// The column names, scrubbed, with `_2`, `_3`, … suffixes for names that repeat.
    func columnNames(scrub: (String) -> String) -> [String] {
        LibPQValue.uniqueNames((0..<PQnfields(handle)).map { scrub(String(cString: PQfname(handle, $0))) })
    }

    var rowCount: Int32 { PQntuples(handle) }
    var columnCount: Int { Int(PQnfields(handle)) }

    /// One row as an object keyed by `names`, each value typed by ``LibPQValue/convert(_:oid:scrub:)``
    /// and every string passed through `scrub`.
    func row(_ row: Int32, names: [String], scrub: (String) -> String) -> JSONValue {
        var object: [String: JSONValue] = [:]
        object.reserveCapacity(names.count)
        for column in 0..<Int32(names.count) {
            if PQgetisnull(handle, row, column) != 0 {
                object[names[Int(column)]] = .null
            } else {
                object[names[Int(column)]] = LibPQValue.convert(
                    String(cString: PQgetvalue(handle, row, column)), oid: PQftype(handle, column), scrub: scrub)
            }
        }
        return .object(object)
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }
}
