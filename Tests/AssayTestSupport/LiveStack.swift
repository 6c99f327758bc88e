import Foundation
import Testing

/// The real servers that `scripts/stack up` started for the tests: PostgreSQL, PgBouncer in front
/// of it, Redis and a Docker engine, all on loopback.
///
/// Read from the file named by `ASSAY_STACK_ENV`, else `<repo>/.stack/stack.env`, which
/// `scripts/stack up` writes as `KEY=value` lines. `scripts/test` starts the stack before
/// `swift test` and stops it afterwards.
public struct LiveStack: Sendable {
    public let values: [String: String]

    /// The stack of this checkout, or an error that says how to start it.
    public static func current() throws -> LiveStack {
        let path = ProcessInfo.processInfo.environment["ASSAY_STACK_ENV"]
            ?? RepositoryPaths.root.appendingPathComponent(".stack/stack.env").path
        return LiveStack(values: try read(path: path))
    }

    public init(values: [String: String]) { self.values = values }

    /// Whether a stack is up for these tests (its `stack.env` can be read).
    public static var isAvailable: Bool { (try? current()) != nil }

    /// Why a test that needs the stack did not run, and how to run it.
    public static let absentReason: Comment =
        "needs the live stack: run `scripts/test` (which starts one), or `scripts/stack up` and set ASSAY_STACK_ENV"

    /// Reads the `KEY=value` lines of a stack.env file.
    public static func read(path: String) throws -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LiveStackError(message: "no live stack at \(path): run `scripts/stack up` (or `scripts/test`, which does)")
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return values
    }

    public func value(_ key: String) throws -> String {
        guard let v = values[key], !v.isEmpty else { throw LiveStackError(message: "stack.env has no \(key)") }
        return v
    }

    /// Folder of the stack's processes, data and configuration.
    public var directory: String { get throws { try value("ASSAY_STACK_DIR") } }
    /// `postgres://assay:…@127.0.0.1:PORT/app`: a read-only monitoring role (pg_monitor).
    public var postgresURL: String { get throws { try value("ASSAY_STACK_POSTGRES_URL") } }
    /// A superuser URL, for tests that must set up state (never given to Assay).
    public var postgresAdminURL: String { get throws { try value("ASSAY_STACK_POSTGRES_ADMIN_URL") } }
    /// PgBouncer's admin console: `postgres://assay:…@127.0.0.1:PORT/pgbouncer`.
    public var pgbouncerURL: String { get throws { try value("ASSAY_STACK_PGBOUNCER_URL") } }
    /// An application login through PgBouncer to the pooled database `app`.
    public var pgbouncerAppURL: String { get throws { try value("ASSAY_STACK_PGBOUNCER_APP_URL") } }
    /// `redis://:…@127.0.0.1:PORT`.
    public var redisURL: String { get throws { try value("ASSAY_STACK_REDIS_URL") } }
    /// `unix:///…/docker.sock`.
    public var dockerURL: String { get throws { try value("ASSAY_STACK_DOCKER_URL") } }
    /// The busybox image imported into the engine, e.g. `assay/busybox:1`.
    public var dockerImage: String { get throws { try value("ASSAY_STACK_DOCKER_IMAGE") } }
}

public struct LiveStackError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Paths inside this checkout.
public enum RepositoryPaths {
    /// The repository root, found from this file's location.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only when the live stack is up; otherwise it is skipped, saying how to start it.
    public static var liveStack: Self { .enabled(if: LiveStack.isAvailable, LiveStack.absentReason) }
}
