import Foundation
import Testing

/// One leak probe: a secret, where it is planted, the `assay run` arguments that audit it, and what
/// must show in the outputs to prove the planted thing was really read.
///
/// Templates (in files, environment, arguments, witnesses) use:
/// `{S}` the secret, `{S%}` the secret percent-encoded, `{DIR}` the case's folder, `{ROLE}` the
/// PostgreSQL login made for the case (password `{S}`), `{PG}` the stack's PostgreSQL as
/// `127.0.0.1:PORT`, `{PGB}` its PgBouncer, `{REDIS}` the case's own Redis server as
/// `127.0.0.1:PORT`, `{NAME}` the case's container, `{STACK:KEY}` a value of stack.env.
struct LeakCase: Sendable, CustomTestStringConvertible {
    /// Short and unique: names the container, the login and the folder.
    var id: String
    /// The secret (a template: `{STACK:…}` takes one of the stack's own).
    var secret: String
    /// Where it is planted, in words (the probe).
    var place: String
    /// Files to write under `{DIR}`.
    var files: [String: String] = [:]
    /// Make a PostgreSQL login `{ROLE}` whose password is the secret (pg_monitor, like Assay's).
    var postgresRole = false
    /// Keep a PostgreSQL session open whose last statement was `ALTER ROLE … PASSWORD '{S}'`.
    var idleSessionSQL: String?
    /// Start a Redis server of the case's own with these configuration lines (`{REDIS}`).
    var redis: [String]?
    /// The password `redis-cli` needs to see the Redis server up (a template).
    var redisPassword: String?
    /// Create (never start) a container `{NAME}` on the stack's engine with these `docker create` options.
    var container: [String]?
    /// The container's command (after the image).
    var containerCommand: [String] = []
    /// Environment of `assay run`, on top of the test's own.
    var environment: [String: String] = [:]
    /// The `assay run` arguments (the harness adds `--checks`, `--out`, `--record`, `--verbose`, `--sign`).
    var arguments: [String]
    /// Texts that must occur in stdout, stderr or a written file: proof that the plant was read.
    var witnesses: [String]
    /// Accepted exit statuses (2 for a configuration the run must refuse).
    var exitCodes: Set<Int32> = [0, 1]

    var testDescription: String { "\(id): \(place)" }
}
