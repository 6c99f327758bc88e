@testable import AssayConnectors
import Testing

/// Version numbers from SHOW VERSION and PgBouncer's server_version (no server).
@Suite struct PgBouncerVersionTests {
    @Test func pgbouncerVersions() {
        #expect(PgBouncerVersion("PgBouncer 1.18.0") == PgBouncerVersion(major: 1, minor: 18, patch: 0))
        #expect(PgBouncerVersion("PgBouncer 1.25.1 (libevent 2.1)") == PgBouncerVersion(major: 1, minor: 25, patch: 1))
        #expect(PgBouncerVersion("1.18.0/bouncer") == PgBouncerVersion(major: 1, minor: 18, patch: 0))
        #expect(PgBouncerVersion("PgBouncer 1.9") == PgBouncerVersion(major: 1, minor: 9, patch: 0))
        #expect(PgBouncerVersion("PgBouncer") == nil)
    }
}
