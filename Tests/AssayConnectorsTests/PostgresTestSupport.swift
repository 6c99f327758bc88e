import AssayConnectors
import AssayCore
import AssayTestSupport
import CLibPQ
import Foundation

/// Helpers for the PostgreSQL and PgBouncer connector tests (which need the live stack).

/// A plain blocking libpq connection for setting up and observing state from outside the
/// connector under test (with the admin URL, or an application login through PgBouncer).
final class RawPostgres {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let handle: OpaquePointer

    init(_ url: String) throws {
        guard let handle = PQconnectdb(url) else { throw Failure(description: "PQconnectdb returned NULL") }
        self.handle = handle
        guard PQstatus(handle) == CONNECTION_OK else {
            // The URL holds a password: report libpq's message only (it never repeats passwords).
            let message = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            throw Failure(description: "raw connection failed: \(message)")
        }
    }

    deinit { PQfinish(handle) }

    /// Runs SQL (several statements allowed) and returns the last result's rows as text.
    @discardableResult
    func exec(_ sql: String) throws -> [[String?]] {
        guard let result = PQexec(handle, sql) else { throw Failure(description: "PQexec returned NULL") }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            throw Failure(description: "\(sql): \(String(cString: PQresultErrorMessage(result)))")
        }
        return (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) != 0 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// The single value of a one-row, one-column query.
    func value(_ sql: String) throws -> String? {
        let rows = try exec(sql)
        guard rows.count == 1, rows[0].count == 1 else { throw Failure(description: "\(sql): expected one value") }
        return rows[0][0]
    }

    /// Sends a query without waiting for its answer (to hold a session or queue behind one).
    func send(_ sql: String) throws {
        guard PQsendQuery(handle, sql) == 1 else {
            throw Failure(description: "send failed: \(String(cString: PQerrorMessage(handle)))")
        }
    }
}

/// A URL of the stack, taken apart to derive others (another database, another password).
struct StackURL {
    var components: URLComponents

    init(_ url: String) throws {
        guard let components = URLComponents(string: url) else {
            throw RawPostgres.Failure(description: "stack URL does not parse")
        }
        self.components = components
    }

    var password: String { components.password ?? "" }
    var user: String { components.user ?? "" }
    var host: String { components.host ?? "" }
    var port: Int { components.port ?? 5432 }

    func with(database: String? = nil, password: String?? = .none) -> String {
        var copy = components
        if let database { copy.path = "/" + database }
        if case .some(let replacement) = password { copy.password = replacement }
        return copy.string ?? ""
    }
}

/// Runs a connector call, returning the error it throws (nil if it succeeded) and the seconds it took.
func timedCall(_ connector: any Connector, _ operation: String, _ arguments: [JSONValue], deadline: Deadline)
    -> (error: ConnectorError?, seconds: Double)
{
    let start = Deadline.monotonicNanoseconds()
    var failure: ConnectorError?
    do { _ = try connector.call(operation, arguments, deadline: deadline) } catch { failure = error }
    return (failure, Double(Deadline.monotonicNanoseconds() - start) / 1e9)
}

/// A name no other test run uses.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
}
