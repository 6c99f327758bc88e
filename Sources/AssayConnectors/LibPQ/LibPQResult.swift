import AssayCore
import CLibPQ

/// One `PGresult`, cleared when released.
final class LibPQResult {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }

    deinit { PQclear(handle) }

    var status: ExecStatusType { PQresultStatus(handle) }

    var isError: Bool { status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR }

    /// The five-character SQLSTATE of an error result, if any.
    var sqlState: String? { field(Int32(UInt8(ascii: "C"))) }

    /// The primary message of an error result, else libpq's message for the result.
    var errorMessage: String {
        if let primary = field(Int32(UInt8(ascii: "M"))) { return primary }
        let text = String(cString: PQresultErrorMessage(handle))
        return text.trimmingTrailingNewlines()
    }

    private func field(_ code: Int32) -> String? {
        guard let value = PQresultErrorField(handle, code) else { return nil }
        return String(cString: value)
    }

    // MARK: - Rows

    /// The rows as objects keyed by column name, each value typed by ``LibPQValue/convert(_:oid:)``
    /// and every string passed through `scrub`. Columns whose names repeat get `_2`, `_3`, … suffixes.
    func rows(scrub: (String) -> String) -> [JSONValue] {
        let rowCount = Int(PQntuples(handle))
        let fieldCount = Int32(PQnfields(handle))
        guard rowCount > 0, fieldCount > 0 else { return [] }
        let names = LibPQValue.uniqueNames((0..<fieldCount).map { scrub(String(cString: PQfname(handle, $0))) })
        let oids = (0..<fieldCount).map { PQftype(handle, $0) }
        var rows: [JSONValue] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var object: [String: JSONValue] = [:]
            object.reserveCapacity(Int(fieldCount))
            for column in 0..<fieldCount {
                let value: JSONValue
                if PQgetisnull(handle, row, column) != 0 {
                    value = .null
                } else {
                    value = LibPQValue.convert(String(cString: PQgetvalue(handle, row, column)), oid: oids[Int(column)],
                                               scrub: scrub)
                }
                object[names[Int(column)]] = value
            }
            rows.append(.object(object))
        }
        return rows
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }
}
